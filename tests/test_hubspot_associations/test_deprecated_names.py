"""The names renamed to the operationIds' verb (archive → remove) still work for one minor release,
warning DeprecationWarning that names the new method."""

from __future__ import annotations

import inspect
import json
from typing import Any

import httpx
import pytest

import hubspot_associations
from hubspot_associations import AssociationType, AsyncHubSpotAssociations, HubSpotAssociations
from hubspot_associations._deprecation import REMOVED_IN
from tests.test_hubspot_associations.test_facade import make_async_client, make_client

# (group, old name, new name)
RENAMED = [
    ("batch", "archive", "remove"),
    ("batch", "archive_labels", "remove_labels"),
    ("bulk", "archive", "remove"),
    ("bulk", "archive_labels", "remove_labels"),
]
PAIRS = [(1, 2), (1, 3)]
TYPES = [AssociationType.CONTACT_TO_COMPANY]


def recording() -> tuple[list[tuple[str, Any]], Any]:
    """A handler answering 204 that records each request's path and JSON body."""
    seen: list[tuple[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, json.loads(request.content)))
        return httpx.Response(204)

    return seen, handler


def arguments(old: str) -> tuple[Any, ...]:
    """The positional arguments of the renamed method."""
    if old == "archive_labels":
        return ("contact", "company", PAIRS, TYPES)
    return ("contact", "company", PAIRS)


@pytest.mark.parametrize(("group", "old", "new"), RENAMED)
def test_the_old_name_warns_naming_the_new_one_and_sends_the_same(
    group: str, old: str, new: str
) -> None:
    """client.<group>.<old>() warns DeprecationWarning naming <group>.<new>() and the release
    that drops it, at the caller's line, and sends exactly what the new name sends."""
    seen_old, old_handler = recording()
    seen_new, new_handler = recording()
    with (
        make_client(old_handler) as client,
        pytest.warns(DeprecationWarning, match=rf"use {group}\.{new}\(\)") as caught,
    ):
        answer_old = getattr(getattr(client, group), old)(*arguments(old))
    with make_client(new_handler) as client:
        answer_new = getattr(getattr(client, group), new)(*arguments(old))
    [warning] = caught.list
    message = str(warning.message)
    assert f"{group}.{old}() is deprecated: use {group}.{new}()" in message
    assert REMOVED_IN in message
    assert warning.filename == __file__
    assert seen_old == seen_new != []
    assert type(answer_old) is type(answer_new)
    if group == "bulk":
        assert (
            sorted(answer_old.succeeded) == sorted(answer_new.succeeded) == [("1", "2"), ("1", "3")]
        )


@pytest.mark.anyio
@pytest.mark.parametrize(("group", "old", "new"), RENAMED)
async def test_the_async_old_name_warns_and_works(group: str, old: str, new: str) -> None:
    """The async client's old names warn the same way and still send the request."""
    seen, handler = recording()
    async with make_async_client(handler) as client:
        with pytest.warns(DeprecationWarning, match=rf"use {group}\.{new}\(\)") as caught:
            await getattr(getattr(client, group), old)(*arguments(old))
    assert caught.list[0].filename == __file__
    assert seen


@pytest.mark.parametrize("client_type", [HubSpotAssociations, AsyncHubSpotAssociations])
@pytest.mark.parametrize(("group", "old", "new"), RENAMED)
def test_the_old_name_keeps_the_new_signature(
    client_type: type[Any], group: str, old: str, new: str
) -> None:
    """An alias takes the same parameters as the method it forwards to."""
    owner = _group_class(client_type, group)
    assert inspect.signature(getattr(owner, old)) == inspect.signature(getattr(owner, new))


def _group_class(client_type: type[Any], group: str) -> type[Any]:
    """The class of one group (Batch, AsyncBulk...) of a client class."""
    prefix = "Async" if client_type is AsyncHubSpotAssociations else ""
    found: type[Any] = getattr(hubspot_associations, prefix + group.capitalize())
    return found


def test_the_new_names_do_not_warn(recwarn: pytest.WarningsRecorder) -> None:
    """batch.remove and bulk.remove_labels send without any warning."""
    _seen, handler = recording()
    with make_client(handler) as client:
        client.batch.remove("contact", "company", PAIRS)
        client.bulk.remove_labels("contact", "company", PAIRS, TYPES)
    assert not [w for w in recwarn.list if issubclass(w.category, DeprecationWarning)]


def page_answer() -> Any:
    """A handler answering one empty page, recording each request's path."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json={"results": []})

    return seen, handler


@pytest.mark.parametrize("method", ["get_page", "iter_all"])
def test_old_page_keywords_warn_at_the_callers_line_and_send_the_same(method: str) -> None:
    """get_page/iter_all(object_type_=, object_id_=) of 0.1 warn, naming object_type= and
    object_id=, at the caller's line, and read the same page as the new keywords."""
    seen, handler = page_answer()
    with make_client(handler) as client:
        call = getattr(client.basic, method)
        with pytest.warns(DeprecationWarning, match=r"is deprecated: pass object_") as caught:
            answer = call(object_type_="contact", object_id_=7, to_object_type="company")
        # iter_all sends when iterated; get_page has sent already.
        _ = list(answer) if method == "iter_all" else answer
        new = call(object_type="contact", object_id=7, to_object_type="company")
        _ = list(new) if method == "iter_all" else new
    assert {w.filename for w in caught} == {__file__}
    assert len(caught) == 2
    assert seen == ["/crm/v4/objects/contact/7/associations/company"] * 2
    with make_client(handler) as client, pytest.raises(TypeError, match="pass object_id= only"):
        client.basic.get_page(  # type: ignore[call-arg]
            "contact", to_object_type="company", object_id=1, object_id_=1
        )


@pytest.mark.anyio
async def test_old_page_keywords_work_on_the_async_client() -> None:
    """The async twin accepts the old keywords too, with the same warning."""
    seen, handler = page_answer()
    async with make_async_client(handler) as client:
        with pytest.warns(DeprecationWarning, match=r"pass object_id="):
            await client.basic.get_page(  # type: ignore[call-arg]
                "contact", object_id_=7, to_object_type="company"
            )
        old_keywords: Any = {"object_type_": "contact"}  # type checkers know only the new ones
        with pytest.warns(DeprecationWarning, match=r"pass object_type="):
            items = [i async for i in client.basic.iter_all(object_id=7, to_object_type="company",
                                                             **old_keywords)]  # fmt: skip
    assert items == []
    assert len(seen) == 2
