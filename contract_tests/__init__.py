"""Contract tests: the curated spec, the generated client and a server, checked against each other."""
