"""Per-call options, with_options copies, the raw view and the log switch, against the emulator
over real HTTP on 127.0.0.1 (what arrived is read back from its request journal)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread
from hubspot_associations_emulator.control_client import AimedFault, ControlClient, JournalEntry
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hubspot_associations import (
    APITimeoutError,
    AssociationType,
    AsyncHubSpotAssociations,
    ClientValidationError,
    HubSpotAssociations,
    RawResponse,
    ServerError,
)

CONTACT_TO_COMPANY = AssociationType.CONTACT_TO_COMPANY
MARK = {"X-Request-Source": "nightly-sync"}
ROOT = Path(__file__).resolve().parents[2]


class Emulator:
    """A running emulator, its control client and token."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.token = token
        self.control = ControlClient(base_url)

    def client(self, **options: Any) -> HubSpotAssociations:
        """A sync client of this emulator (no client-side rate limit)."""
        options.setdefault("rate_limit", None)
        return HubSpotAssociations(self.token, base_url=self.base_url, **options)

    def journal(self, since: int = 0) -> list[JournalEntry]:
        """Every HubSpot-path request since the last reset (from entry ``since`` on)."""
        return self.control.journal().entries[since:]


@pytest.fixture(scope="module")
def server() -> Iterator[Emulator]:
    """One emulator for the module."""
    with serve_in_thread(EmulatorConfig()) as running:
        emulator = Emulator(running.base_url, running.token)
        yield emulator
        emulator.control.close()


@pytest.fixture
def emulator(server: Emulator) -> Emulator:
    """The module's emulator, reset (state, faults, journal)."""
    server.control.reset()
    return server


# Every facade call, each given extra_headers=MARK; bulk helpers send one request per chunk.
CALLS: dict[str, Callable[[HubSpotAssociations], object]] = {
    "basic.associate_default": lambda c: c.basic.associate_default(
        "contact", 1, "company", 2, extra_headers=MARK
    ),
    "basic.associate": lambda c: c.basic.associate(
        "contact", 1, "company", 3, [CONTACT_TO_COMPANY], extra_headers=MARK
    ),
    "basic.get_page": lambda c: c.basic.get_page("contact", 1, "company", extra_headers=MARK),
    "basic.iter_all": lambda c: list(
        c.basic.iter_all("contact", 1, "company", page_size=1, extra_headers=MARK)
    ),
    "basic.remove": lambda c: c.basic.remove("contact", 1, "company", 2, extra_headers=MARK),
    "batch.associate_default": lambda c: c.batch.associate_default(
        "contact", "company", [(1, 2)], extra_headers=MARK
    ),
    "batch.create": lambda c: c.batch.create(
        "contact", "company", [(1, 2)], [CONTACT_TO_COMPANY], extra_headers=MARK
    ),
    "batch.read": lambda c: c.batch.read("contact", "company", [1], extra_headers=MARK),
    "batch.iter_read": lambda c: list(
        c.batch.iter_read("contact", "company", [1], extra_headers=MARK)
    ),
    "batch.remove_labels": lambda c: c.batch.remove_labels(
        "contact", "company", [(1, 2)], [CONTACT_TO_COMPANY], extra_headers=MARK
    ),
    "batch.remove": lambda c: c.batch.remove("contact", "company", [(1, 2)], extra_headers=MARK),
    "bulk.associate_default": lambda c: c.bulk.associate_default(
        "contact", "company", [(1, 2), (1, 3), (1, 4)], batch_size=1, extra_headers=MARK
    ),
    "bulk.create": lambda c: c.bulk.create(
        "contact",
        "company",
        [(1, 2), (1, 3)],
        [CONTACT_TO_COMPANY],
        batch_size=1,
        extra_headers=MARK,
    ),
    "bulk.read": lambda c: c.bulk.read(
        "contact", "company", [1, 2], batch_size=1, extra_headers=MARK
    ),
    "bulk.remove_labels": lambda c: c.bulk.remove_labels(
        "contact",
        "company",
        [(1, 2), (1, 3)],
        [CONTACT_TO_COMPANY],
        batch_size=1,
        extra_headers=MARK,
    ),
    "bulk.remove": lambda c: c.bulk.remove(
        "contact", "company", [(1, 2), (1, 3)], batch_size=1, extra_headers=MARK
    ),
    "labels.create": lambda c: c.labels.create(
        "contact", "company", name="buyer", label="Buyer", extra_headers=MARK
    ),
    "labels.list": lambda c: c.labels.list("contact", "company", extra_headers=MARK),
    "limits.list_all": lambda c: c.limits.list_all(extra_headers=MARK),
    "limits.list": lambda c: c.limits.list("contact", "company", extra_headers=MARK),
    "limits.usage.labels": lambda c: c.limits.usage.labels(extra_headers=MARK),
    "limits.usage.record_sources": lambda c: c.limits.usage.record_sources(extra_headers=MARK),
    "limits.usage.record_targets": lambda c: c.limits.usage.record_targets(
        "contacts", extra_headers=MARK
    ),
    "limits.usage.records": lambda c: c.limits.usage.records(
        "contacts", "companies", extra_headers=MARK
    ),
    "report.request": lambda c: c.report.request(7, extra_headers=MARK),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_extra_headers_reach_hubspot_on_every_request_of_the_call(
    emulator: Emulator, name: str
) -> None:
    """Each facade call's extra header arrives on every request it sends (each page, each chunk,
    each follow-up), and the next call without it sends none."""
    with emulator.client() as client:
        client.basic.associate_default("contact", 1, "company", 2)
        mark = len(emulator.journal())
        CALLS[name](client)
        sent = emulator.journal(mark)
        assert sent, name
        assert {e.request_header("x-request-source") for e in sent} == {"nightly-sync"}, name
        if name.startswith("bulk."):
            assert len(sent) >= 2, name  # one request per chunk, each marked
        client.labels.list("contact", "company")
        assert emulator.journal()[-1].request_header("x-request-source") is None


def test_the_remaining_calls_take_them_too(emulator: Emulator) -> None:
    """labels.update/delete and limits.create/update/purge (they need a label first) carry them."""
    with emulator.client() as client:
        created = client.labels.create("contact", "company", name="payer", label="Payer")
        type_id = created[0].type_id
        mark = len(emulator.journal())
        kind = ("USER_DEFINED", type_id)
        client.labels.update("contact", "company", type_id=type_id, label="P", extra_headers=MARK)
        client.limits.create("contact", "company", [(kind, 5)], extra_headers=MARK)
        client.limits.update("contact", "company", [(kind, 6)], extra_headers=MARK)
        client.limits.purge("contact", "company", [kind], extra_headers=MARK)
        client.labels.delete("contact", "company", type_id, extra_headers=MARK)
        operations = [e.operation_id for e in emulator.journal(mark)]
        assert operations == [
            "update_label", "create_limits", "update_limits", "purge_limits", "delete_label",
        ]  # fmt: skip
        assert {e.request_header("x-request-source") for e in emulator.journal(mark)} == {
            "nightly-sync"
        }


def test_with_options_copies_share_pool_and_limiter_and_merge_headers(emulator: Emulator) -> None:
    """A copy sends its headers on every call, a call's own win, the original sends none; the
    copy shares the limiter and pool, and closing the copy leaves the original working."""
    with emulator.client(rate_limit=(1000, 10.0)) as client:
        copy = client.with_options(extra_headers={"X-Job": "a", "X-Team": "crm"})
        assert copy.settings.limiter is client.settings.limiter
        copy.basic.associate_default("contact", 1, "company", 2, extra_headers={"X-Job": "b"})
        copy.labels.list("contact", "company")
        client.labels.list("contact", "company")
        first, second, third = emulator.journal()
        assert (first.request_header("x-job"), first.request_header("x-team")) == ("b", "crm")
        assert (second.request_header("x-job"), second.request_header("x-team")) == ("a", "crm")
        assert third.request_header("x-job") is None
        nested = copy.with_options(extra_headers={"X-Team": "ops"})
        nested.labels.list("contact", "company")
        last = emulator.journal()[-1]
        assert (last.request_header("x-job"), last.request_header("x-team")) == ("a", "ops")
        with copy:
            pass
        assert client.labels.list("contact", "company")


def test_a_call_timeout_bounds_the_call_and_the_client_keeps_its_own(emulator: Emulator) -> None:
    """timeout= ends a slow call at that deadline, retries included; the next call without it
    waits as long as the client's own timeout allows and succeeds."""
    emulator.control.set_faults("rate=0,latency=1500")
    with emulator.client(max_retries=3) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            client.labels.list("contact", "company", timeout=0.3)
        assert time.monotonic() - started < 1.2
        assert client.labels.list("contact", "company")
        quick = client.with_options(timeout=0.3)
        with pytest.raises(APITimeoutError):
            quick.labels.list("contact", "company")
    # The server still answers the calls given up on: let those land in the journal here, not
    # in the next test's.
    deadline = time.monotonic() + 10
    while len(emulator.journal()) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(emulator.journal()) == 3


def test_with_options_max_retries_replaces_the_policys_count(emulator: Emulator) -> None:
    """A copy with max_retries=0 gives up on the first 503; the client retries it away."""
    with emulator.client() as client:
        emulator.control.set_faults(script=[AimedFault("503", "list_labels", times=1)])
        with pytest.raises(ServerError):
            client.with_options(max_retries=0).labels.list("contact", "company")
        emulator.control.set_faults(script=[AimedFault("503", "list_labels", times=1)])
        assert client.labels.list("contact", "company")
        assert [e.status for e in emulator.journal()][-2:] == [503, 200]


def test_the_raw_view_shows_status_correlation_id_and_rate_limit_headers(
    emulator: Emulator,
) -> None:
    """with_raw_response gives HubSpot's status, the correlation ID the journal shows, the
    X-HubSpot-RateLimit-* numbers, and the method's own answer."""
    emulator.control.set_rate_limit(1000, 10)
    with emulator.client() as client:
        raw = client.with_raw_response(client.batch.create)(
            "contact", "company", [(1, 2)], [CONTACT_TO_COMPANY]
        )
        assert isinstance(raw, RawResponse)
        assert raw.status_code == 201
        entry = emulator.journal()[-1]
        assert raw.correlation_id == entry.header("x-hubspot-correlation-id")
        assert raw.correlation_id is not None
        assert len(raw.correlation_id) == 36
        assert raw.rate_limits["max"] == 1000
        assert "remaining" in raw.rate_limits
        assert [(r.from_object_id, r.to_object_id) for r in raw.parsed.results] == [("1", "2")]
        page = client.with_raw_response(client.basic.get_page)("contact", 1, "company")
        assert page.status_code == 200
        assert page.parsed.results[0].to_object_id == "2"
        assert len(page.history) == 1
        assert page.history[0].correlation_id == page.correlation_id


def test_the_raw_view_of_a_call_with_several_answers_keeps_them_all(emulator: Emulator) -> None:
    """history lists the answers a call received: a page on 2026-09 is one batch read; a delete
    whose first answer was lost (the connection dropped) has only the resend's answer."""
    with emulator.client(api_version="2026-09") as client:
        client.batch.associate_default("contact", "company", [(1, 2)])
        raw = client.with_raw_response(client.basic.get_page)("contact", 1, "company")
        assert [e.operation_id for e in emulator.journal()][-1] == "batch_read_associations"
        assert raw.status_code in (200, 207)
        assert len(raw.history) == 1
    with emulator.client() as client:
        created = client.labels.create("contact", "company", name="x_label", label="X")
        emulator.control.set_faults(script=[AimedFault("drop", "delete_label", times=1)])
        raw_delete = client.with_raw_response(client.labels.delete)(
            "contact", "company", created[0].type_id
        )
        assert raw_delete.parsed is None
        assert [a.status_code for a in raw_delete.history] == [raw_delete.status_code]


def test_the_raw_view_refuses_bulk_helpers_and_unread_iterators(emulator: Emulator) -> None:
    """Bulk helpers (a result per input) and iterators (nothing sent yet) are refused, saying
    what to use instead; nothing is sent."""
    with emulator.client() as client:
        with pytest.raises(ClientValidationError, match=r"client\.batch"):
            client.with_raw_response(client.bulk.create)
        with pytest.raises(ClientValidationError, match="get_page"):
            client.with_raw_response(client.basic.iter_all)("contact", 1, "company")
    assert emulator.journal() == []


@pytest.mark.anyio
async def test_the_async_client_has_the_same_options(emulator: Emulator) -> None:
    """The async twin: per-call headers on an async iterator, a copy, and the raw view."""
    async with AsyncHubSpotAssociations(
        emulator.token, base_url=emulator.base_url, rate_limit=None
    ) as client:
        await client.batch.associate_default("contact", "company", [(1, 2), (1, 3)])
        mark = len(emulator.journal())
        found = [
            r.to_object_id
            async for r in client.with_options(extra_headers=MARK).basic.iter_all(
                "contact", 1, "company", page_size=1, timeout=5
            )
        ]
        assert found == ["2", "3"]
        assert {e.request_header("x-request-source") for e in emulator.journal(mark)} == {
            "nightly-sync"
        }
        raw = await client.with_raw_response(client.labels.list)("contact", "company")
        assert raw.status_code == 200
        assert raw.correlation_id
        assert raw.parsed


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"timeout": 0}, "timeout must be"),
        ({"timeout": -1}, "timeout must be"),
        ({"timeout": float("nan")}, "timeout must be"),
        ({"timeout": float("inf")}, "timeout must be"),
        ({"timeout": True}, "timeout must be"),
        ({"timeout": "5"}, "timeout must be"),
        ({"extra_headers": {"Bad Name": "x"}}, "not a header name"),
        ({"extra_headers": {"X-A": "one\r\nX-Injected: two"}}, "one line"),
        ({"extra_headers": {"X-A": 5}}, "one line"),
        ({"extra_headers": {"Authorization": "Bearer other"}}, "set by the client"),
        ({"extra_headers": [("X-A", "1")]}, "mapping"),
    ],
)
def test_bad_options_are_refused_before_anything_is_sent(
    emulator: Emulator, options: dict[str, Any], fragment: str
) -> None:
    """A bad timeout or header is a ClientValidationError naming it, per call and per copy."""
    with emulator.client() as client:
        with pytest.raises(ClientValidationError, match=fragment):
            client.labels.list("contact", "company", **options)
        copy_options = {k: v for k, v in options.items() if k in ("timeout", "extra_headers")}
        with pytest.raises(ClientValidationError, match=fragment):
            client.with_options(**copy_options)
    assert emulator.journal() == []


# A user's calls with a misspelt option or an option of the wrong type, each marked with the
# mypy error code it must get (the options are declared once, as ``**options: Unpack[...]``,
# and a catch-all ``**kwargs`` would let every line through); the unmarked lines are right.
WRONG_OPTIONS = """\
from hubspot_associations import AssociationType, AsyncHubSpotAssociations, HubSpotAssociations

TYPES = [AssociationType.CONTACT_TO_COMPANY]


def run(client: HubSpotAssociations) -> None:
    client.basic.associate_default("contact", 1, "company", 2, tiemout=1.0)  # call-arg
    client.labels.list("contact", "company", timeout="soon")  # arg-type
    client.labels.list("contact", "company", timeout=None, extra_headers=None)
    client.bulk.create("contact", "company", [(1, 2)], TYPES, extra_headers=[("X-A", "b")])  # arg-type
    client.batch.archive("contact", "company", [(1, 2)], extra_header={"X-A": "b"})  # call-arg
    client.bulk.archive_labels("contact", "company", [(1, 2)], TYPES, timeout=b"1")  # arg-type
    client.with_raw_response(client.basic.get_page)("contact", 1, "company", tiemout=3)  # call-arg


async def run_async(client: AsyncHubSpotAssociations) -> None:
    await client.labels.list("contact", "company", extra_headers={"X-A": 1})  # dict-item
    await client.batch.archive("contact", "company", [(1, 2)], timeout=2.0)
    async for _ in client.basic.iter_all("contact", 1, "company", tiemout=1):  # call-arg
        pass
"""


def test_a_wrong_option_name_or_type_is_a_mypy_error(tmp_path: Path) -> None:
    """mypy --strict (the repository's configuration) reports each misspelt option and each
    option of the wrong type, on both clients, deprecated aliases and the raw view included,
    with the marked error code on the marked line, and nothing on the right calls."""
    user = tmp_path / "user_wrong_options.py"
    user.write_text(WRONG_OPTIONS, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(tmp_path / "cache"), "--no-error-summary", str(user)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    expected = {
        (number, line.rsplit("# ", 1)[1])
        for number, line in enumerate(WRONG_OPTIONS.splitlines(), start=1)
        if line.endswith(("# call-arg", "# arg-type", "# dict-item"))
    }
    found = {
        (int(line.split(":")[1]), line.rsplit("[", 1)[1].rstrip("]"))
        for line in done.stdout.splitlines()
        if ": error:" in line
    }
    assert len(expected) == 8
    assert found == expected, done.stdout


def test_a_wrong_option_name_is_refused_at_run_time_before_anything_is_sent(
    emulator: Emulator,
) -> None:
    """A misspelt option is Python's TypeError for an unexpected keyword, naming the method
    and the keyword, on a plain method, an iterator and a bulk helper; nothing is sent."""
    with emulator.client() as client:
        with pytest.raises(
            TypeError, match=r"Labels\.list\(\) got an unexpected keyword argument 'tiemout'"
        ):
            client.labels.list("contact", "company", tiemout=1.0)  # type: ignore[call-arg]
        with pytest.raises(TypeError, match=r"Basic\.iter_all\(\) got an unexpected keyword"):
            list(client.basic.iter_all("contact", 1, "company", extra_header=MARK))  # type: ignore[call-arg]
        with pytest.raises(TypeError, match=r"Bulk\.create\(\) got an unexpected keyword"):
            client.bulk.create("contact", "company", [(1, 2)], [CONTACT_TO_COMPANY], retries=1)  # type: ignore[call-arg]
    assert emulator.journal() == []


_NAME_CHARS = "!#$%&'*+.^_`|~-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.one_of(st.text(_NAME_CHARS, min_size=1, max_size=20), st.text(max_size=8)),
    value=st.text(max_size=30),
)
# Found by this test on a fresh clone: values with outer whitespace reached h11 and failed there.
@example(name="A", value="\t")
@example(name="A", value=" x ")
def test_any_header_either_arrives_as_given_or_is_refused(
    server: Emulator, name: str, value: str
) -> None:
    """Generated names and values: refused with ClientValidationError, or read back from the
    journal as sent (HTTP itself trims the value's outer spaces and tabs)."""
    with server.client() as client:
        mark = len(server.journal())
        try:
            client.labels.list("contact", "company", extra_headers={"X-P-" + name: value})
        except ClientValidationError:
            assert server.journal(mark) == []
            return
        arrived = server.journal(mark)[-1].request_header("x-p-" + name)
        assert arrived == value.strip(" \t")


def test_the_log_switch_prints_answers_and_never_the_token(server: Emulator) -> None:
    """HUBSPOT_ASSOCIATIONS_LOG=info prints one line per answer with the correlation ID;
    debug adds the headers, the token redacted; a wrong value warns and logs nothing."""
    script = (
        "import sys\n"
        "from hubspot_associations import HubSpotAssociations\n"
        "with HubSpotAssociations(sys.argv[1], base_url=sys.argv[2], rate_limit=None) as c:\n"
        "    c.labels.list('contact', 'company', extra_headers={'X-Job': 'j1'})\n"
    )

    def run(level: str) -> str:
        env = {**os.environ, "HUBSPOT_ASSOCIATIONS_LOG": level}
        done = subprocess.run(
            [sys.executable, "-c", script, server.token, server.base_url],
            env=env, capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        return done.stderr

    info = run("info")
    correlation = server.journal()[-1].header("x-hubspot-correlation-id")
    assert "list_labels: GET /crm/v4/associations/contact/company/labels -> 200" in info
    assert f"(correlation id {correlation})" in info
    assert "x-job" not in info
    debug = run("DEBUG")
    assert "'x-job': 'j1'" in debug
    assert "'authorization': '<redacted>'" in debug
    assert server.token not in debug
    wrong = run("verbose")
    assert "is not one of debug, info" in wrong
    assert "list_labels:" not in wrong
