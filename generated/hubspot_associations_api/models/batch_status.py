# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
from enum import StrEnum
from typing import Any, ClassVar


class BatchStatus(StrEnum):
    CANCELED = "CANCELED"
    COMPLETE = "COMPLETE"
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"

    # Filled in below the class: a plain dict look-up is much faster than Enum's call.
    _lookup: ClassVar[dict[str, "BatchStatus"]]

    @classmethod
    def _missing_(cls, value: object) -> "BatchStatus | None":
        # HubSpot adds values without notice (AssociationCategory WORK, 2026). Rather than fail
        # the whole response, keep the unknown value as a pseudo-member that compares equal to
        # its string and round-trips unchanged.
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @classmethod
    def from_value(cls, value: Any) -> "BatchStatus":
        """The member for a JSON value (unknown strings become pseudo-members)."""
        return cls._lookup.get(value) or cls(value)

    def __str__(self) -> str:
        return str(self.value)


BatchStatus._lookup = {member.value: member for member in BatchStatus}
