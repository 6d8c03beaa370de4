# GENERATED FILE: do not edit. Made by codegen/unasync.py from _async/__init__.py;
# change that file and run `make generate`.
"""The sync twins of ``_async/`` (generated: edit the async module)."""
