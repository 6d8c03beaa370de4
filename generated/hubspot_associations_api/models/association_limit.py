# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.association_category import AssociationCategory
from ..types import UNSET, ParseError, Unset, json_kind, not_an_integer

T = TypeVar("T", bound="AssociationLimit")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "typeId",
        "category",
        "label",
        "userEnforcedMaxToObjectIds",
        "maxToObjectIds",
    )
)


@_attrs_define
class AssociationLimit:
    """The limit set on one association type.

    Attributes:
        type_id (int): The association type ID.
        category (AssociationCategory): Who defined an association type.
        label (str | None): The label of the association type.
        user_enforced_max_to_object_ids (int | None): The largest number of records this type may link one record to.
        max_to_object_ids (int | None): The limit as the guide names it in its examples.
    """

    type_id: int
    category: AssociationCategory
    label: str | None = None
    user_enforced_max_to_object_ids: int | None = None
    max_to_object_ids: int | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    # Whether the answer had the key: to_dict writes back only what was sent.
    _label_sent: bool = _attrs_field(init=False, default=False, repr=False, eq=False)

    def to_dict(self) -> dict[str, Any]:
        type_id = self.type_id

        category = self.category.value

        sent_label: None | str | Unset = (
            UNSET if self.label is None and not self._label_sent else self.label
        )
        label: None | str | Unset
        if isinstance(sent_label, Unset):
            label = UNSET
        else:
            label = sent_label

        sent_user_enforced_max_to_object_ids: int | Unset = (
            UNSET
            if self.user_enforced_max_to_object_ids is None
            else self.user_enforced_max_to_object_ids
        )
        user_enforced_max_to_object_ids = sent_user_enforced_max_to_object_ids

        sent_max_to_object_ids: int | Unset = (
            UNSET if self.max_to_object_ids is None else self.max_to_object_ids
        )
        max_to_object_ids = sent_max_to_object_ids

        field_dict: dict[str, Any] = {
            "typeId": type_id,
            "category": category,
        }
        if self.additional_properties:
            # Unknown fields first, the model's own fields win, as the generator's update() order did.
            field_dict = {**self.additional_properties, **field_dict}
        if label is not UNSET:
            field_dict["label"] = label
        if user_enforced_max_to_object_ids is not UNSET:
            field_dict["userEnforcedMaxToObjectIds"] = user_enforced_max_to_object_ids
        if max_to_object_ids is not UNSET:
            field_dict["maxToObjectIds"] = max_to_object_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Build from a decoded JSON object; a body of the wrong shape raises ParseError."""
        # Read keys in place instead of copying and popping: this is the hot path of every
        # page decode. Any shape error becomes one ParseError naming the model and the field.
        try:
            type_id = src_dict["typeId"]
            if (
                type(type_id) is not int
                or not -9223372036854775808 <= type_id <= 9223372036854775807
            ):
                raise TypeError(not_an_integer("typeId", type_id))

            category = AssociationCategory._lookup.get(
                src_dict["category"]
            ) or AssociationCategory(src_dict["category"])

            label = src_dict.get("label")

            user_enforced_max_to_object_ids = src_dict.get("userEnforcedMaxToObjectIds")
            if user_enforced_max_to_object_ids is not None and (
                type(user_enforced_max_to_object_ids) is not int
                or not -9223372036854775808
                <= user_enforced_max_to_object_ids
                <= 9223372036854775807
            ):
                raise TypeError(
                    not_an_integer(
                        "userEnforcedMaxToObjectIds", user_enforced_max_to_object_ids
                    )
                )

            max_to_object_ids = src_dict.get("maxToObjectIds")
            if max_to_object_ids is not None and (
                type(max_to_object_ids) is not int
                or not -9223372036854775808 <= max_to_object_ids <= 9223372036854775807
            ):
                raise TypeError(not_an_integer("maxToObjectIds", max_to_object_ids))

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            association_limit = _new(cls)
            association_limit.type_id = type_id
            association_limit.category = category
            association_limit.label = label
            association_limit.user_enforced_max_to_object_ids = (
                user_enforced_max_to_object_ids
            )
            association_limit.max_to_object_ids = max_to_object_ids
            association_limit._label_sent = label is not None or "label" in src_dict
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if (
                len(src_dict)
                == 2
                + association_limit._label_sent
                + (user_enforced_max_to_object_ids is not None)
                + (max_to_object_ids is not None)
                or src_dict.keys() <= _FIELDS
            ):
                association_limit.additional_properties = {}
            else:
                association_limit.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"AssociationLimit: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"AssociationLimit: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"AssociationLimit: {exc}") from exc
        return association_limit

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
