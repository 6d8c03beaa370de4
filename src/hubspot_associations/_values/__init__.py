"""Argument values: every ID, object type, label and number a caller gives, checked and
normalised before anything is sent."""
