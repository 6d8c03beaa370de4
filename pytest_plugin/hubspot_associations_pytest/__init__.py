"""The pytest plugin of hubspot-associations: test your own integration against the emulator.

Installed with the package (entry point ``pytest11``: ``hubspot_associations``); it loads in every
pytest run of an environment that has the package, so it imports only the standard library and
pytest until one of its fixtures is used. See ``plugin`` for the fixtures and the marker.
"""

__all__: list[str] = []
