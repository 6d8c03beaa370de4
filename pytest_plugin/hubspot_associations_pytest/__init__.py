"""The pytest plugin of hubspot-associations: test your own integration against the emulator.

Installed with the package (entry point ``pytest11``: ``hubspot_associations``); it loads in every
pytest run of an environment that has the package, so it imports only the standard library and
pytest until one of its fixtures is used. See ``plugin`` for the fixtures and the marker.

The types to annotate the fixtures with are exported here::

    from hubspot_associations_pytest import HubSpotAssociations, HubSpotEmulator

    def test_sync(hubspot_emulator: HubSpotEmulator, hubspot_client: HubSpotAssociations) -> None:
        ...

The client's and the emulator's types are imported on first access (a module ``__getattr__``),
not when pytest loads the plugin: an install without the ``[emulator]`` extra, or a test run
that never touches them, pays nothing for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

from .plugin import HubSpotEmulator, MarkerOptions

if TYPE_CHECKING:
    from hubspot_associations_emulator import RunningEmulator as RunningEmulator
    from hubspot_associations_emulator.control_client import ControlClient as ControlClient

    from hubspot_associations import AsyncHubSpotAssociations as AsyncHubSpotAssociations
    from hubspot_associations import HubSpotAssociations as HubSpotAssociations

    from .webhooks import HubSpotWebhooks as HubSpotWebhooks

__all__ = [
    "AsyncHubSpotAssociations",
    "ControlClient",
    "HubSpotAssociations",
    "HubSpotEmulator",
    "HubSpotWebhooks",
    "MarkerOptions",
    "RunningEmulator",
]

# What each fixture yields, by the module that defines it (imported on first access):
# hubspot_client, async_hubspot_client, hubspot_emulator_server, hubspot_emulator.control and
# hubspot_webhooks.
_LAZY: Final[dict[str, str]] = {
    "AsyncHubSpotAssociations": "hubspot_associations",
    "ControlClient": "hubspot_associations_emulator.control_client",
    "HubSpotAssociations": "hubspot_associations",
    "HubSpotWebhooks": "hubspot_associations_pytest.webhooks",
    "RunningEmulator": "hubspot_associations_emulator",
}


if not TYPE_CHECKING:
    # Hidden from type checkers, which see the imports above instead: a module __getattr__ would
    # make every misspelt name (HubSpotEmulater) an Any rather than an error in a user's mypy run.

    def __getattr__(name: str) -> Any:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # the next access is a plain lookup
        return value
