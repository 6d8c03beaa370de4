from enum import StrEnum
from typing import Any


class AssociationCategory(StrEnum):
    HUBSPOT_DEFINED = "HUBSPOT_DEFINED"
    INTEGRATOR_DEFINED = "INTEGRATOR_DEFINED"
    USER_DEFINED = "USER_DEFINED"
    WORK = "WORK"

    @classmethod
    def _missing_(cls, value: object) -> "AssociationCategory | None":
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
    def from_value(cls, value: Any) -> "AssociationCategory":
        """The member for a JSON value; a dict look-up first, since Enum's call is slow."""
        member = _MEMBERS.get(value)
        return member if member is not None else cls(value)

    def __str__(self) -> str:
        return str(self.value)


_MEMBERS: dict[str, AssociationCategory] = {
    member.value: member for member in AssociationCategory
}
