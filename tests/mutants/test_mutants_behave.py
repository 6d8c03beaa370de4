"""Every mutant really shows its bug over HTTP, and only its bug; the unmutated emulator shows none.

Each mutant runs in its own server process (``serve_mutant``). On it every probe below runs, after
a reset: the mutant's own probe must observe the bug, every other probe the correct behaviour (so
a mutant breaks one behaviour, not the emulator). ``none`` must observe the correct behaviour
everywhere.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.mutants.catalog import KEBAB, MUTANTS, NO_MUTANT, Mutant, mutate
from tests.mutants.running import ROOT, serve_mutant

TOKEN = "emulator-token"
V4 = "/crm/v4"
RATE_LIMIT_HEADERS = (
    "X-HubSpot-RateLimit-Max",
    "X-HubSpot-RateLimit-Remaining",
    "X-HubSpot-RateLimit-Interval-Milliseconds",
)
DOCUMENTED_CATEGORIES = {"HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED", "WORK"}
REQUIRED = {
    "paired-label-no-inverse": "labels.paired-inverse",
    "401-without-correlation-id": "errors.fields",
    "batch-create-drops-one": "batch.accounting",
    "default-ignores-limit": "limits.every-write-path",
    "rate-limit-ignored": "ratelimit.enforced",
    "delete-leaves-reverse": "graph.both-directions",
    "delete-label-200-body": "status.documented",
    "missing-required-field": "schema.response",
    "wrong-enum-value": "schema.response",
    "server-error-status": "schema.server-error",
    "label-usage-counted-twice": "usage.labels",
    "at-limit-reported-near": "usage.records",
    "refused-write-applies": "refusals.change-nothing",
}

Observation = dict[str, Any]
Probe = Callable[[httpx.Client], Observation]


def spec(type_id: int, category: str = "HUBSPOT_DEFINED") -> dict[str, Any]:
    """An AssociationSpec."""
    return {"associationCategory": category, "associationTypeId": type_id}


def linked(c: httpx.Client, path: str) -> list[str]:
    """The IDs a record's association page lists."""
    r = c.get(path)
    assert r.status_code == 200, r.text
    return [str(item["toObjectId"]) for item in r.json()["results"]]


def put_json(c: httpx.Client, path: str, body: Any) -> httpx.Response:
    """PUT a JSON body, null included (httpx sends nothing for json=None)."""
    return c.put(
        path, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )


# -- probes: each observes one behaviour, in a few requests ------------------------------------


def probe_paired_label(c: httpx.Client) -> Observation:
    """A paired label: how many types POST answers, and whether the other side sees the inverse."""
    created = c.post(
        f"{V4}/associations/contact/company/labels",
        json={"name": "billing", "label": "Billing contact", "inverseLabel": "Billed company"},
    )
    assert created.status_code == 200, created.text
    results = created.json()["results"]
    forward = next(t["typeId"] for t in results if t["label"] == "Billing contact")
    # The status is not checked: a list_labels mutant may answer 500 with the same body.
    listed = c.get(f"{V4}/associations/company/contact/labels").json()["results"]
    put = put_json(
        c, f"{V4}/objects/contact/1/associations/company/10", [spec(forward, "USER_DEFINED")]
    )
    assert put.status_code == 201, put.text
    page = c.get(f"{V4}/objects/company/10/associations/contact").json()["results"]
    return {
        "types_made": len(results),
        "inverse_listed": any(t.get("label") == "Billed company" for t in listed),
        "inverse_on_association": any(
            t["label"] == "Billed company" for item in page for t in item["associationTypes"]
        ),
    }


def probe_401(c: httpx.Client) -> Observation:
    """The 401 answers to a missing and to an unknown token, and whether they carry correlationId."""
    path = f"{V4}/objects/contact/1/associations/company"
    missing = httpx.get(f"{c.base_url}{path}", timeout=30)
    unknown = httpx.get(f"{c.base_url}{path}", headers={"Authorization": "Bearer nope"}, timeout=30)
    return {
        "statuses": [missing.status_code, unknown.status_code],
        "correlation_ids": ["correlationId" in r.json() for r in (missing, unknown)],
        "categories": [r.json().get("category") for r in (missing, unknown)],
    }


def probe_batch_create(c: httpx.Client) -> Observation:
    """A labelled batch/create of 3 inputs: status, results, errors, and what was stored."""
    inputs = [{"from": {"id": str(i)}, "to": {"id": "10"}, "types": [spec(1)]} for i in (1, 2, 3)]
    r = c.post(f"{V4}/associations/contact/company/batch/create", json={"inputs": inputs})
    body = r.json()
    return {
        "status": r.status_code,
        "results": sorted(str(x["fromObjectId"]) for x in body["results"]),
        "numErrors": body.get("numErrors", 0),
        "stored": sorted(linked(c, f"{V4}/objects/company/10/associations/contact")),
    }


def probe_default_limit(c: httpx.Client) -> Observation:
    """A limit of 1 on the unlabeled contact→company type: which write paths refuse a second."""
    seeded = c.post(
        "/_emulator/seed",
        json={
            "limits": [
                {
                    "fromObjectType": "contact",
                    "toObjectType": "company",
                    "category": "HUBSPOT_DEFINED",
                    "typeId": 279,
                    "maxToObjectIds": 1,
                }
            ]
        },
    )
    assert seeded.status_code == 200, seeded.text
    default = f"{V4}/objects/contact/1/associations/default/company"
    first = c.put(f"{default}/10")
    second = c.put(f"{default}/11")
    batch = c.post(
        f"{V4}/associations/contact/company/batch/associate/default",
        json={"inputs": [{"from": {"id": "2"}, "to": {"id": str(i)}} for i in (10, 11)]},
    )
    labelled = [
        put_json(c, f"{V4}/objects/contact/3/associations/company/{i}", [spec(279)]).status_code
        for i in (10, 11)
    ]
    # The last input is filler that is not observed: batch-create-drops-one drops it unseen.
    creates = [(4, 10), (4, 11), (5, 10)]
    batch_create = c.post(
        f"{V4}/associations/contact/company/batch/create",
        json={
            "inputs": [
                {"from": {"id": str(f)}, "to": {"id": str(t)}, "types": [spec(279)]}
                for f, t in creates
            ]
        },
    )
    return {
        "default_put": [first.status_code, second.status_code],
        "batch_default_errors": batch.json().get("numErrors", 0),
        "labelled_put": labelled,
        "batch_create": [batch_create.status_code, batch_create.json().get("numErrors", 0)],
        "linked": [
            len(linked(c, f"{V4}/objects/contact/{i}/associations/company")) for i in (1, 2, 3, 4)
        ],
    }


def probe_rate_limit(c: httpx.Client) -> Observation:
    """3 per 1 s set through the control API: the statuses of 4 requests and their headers."""
    assert put_json(c, "/_emulator/rate-limit", {"requests": 3, "seconds": 1}).status_code == 200
    answers = [c.get(f"{V4}/objects/contact/1/associations/company") for _ in range(4)]
    put_json(c, "/_emulator/rate-limit", None)
    return {
        "statuses": [r.status_code for r in answers],
        "headers": [all(h in r.headers for h in RATE_LIMIT_HEADERS) for r in answers],
        "errorType": answers[-1].json().get("errorType")
        if answers[-1].status_code == 429
        else None,
    }


def probe_delete(c: httpx.Client) -> Observation:
    """DELETE of a pair and batch/archive: what each side still lists afterwards."""
    for company in (10, 11):
        assert (
            c.put(f"{V4}/objects/contact/1/associations/default/company/{company}").status_code
            == 200
        )
    deleted = c.delete(f"{V4}/objects/contact/1/associations/company/10")
    archived = c.post(
        f"{V4}/associations/contact/company/batch/archive",
        json={"inputs": [{"from": {"id": "1"}, "to": [{"id": "11"}]}]},
    )
    return {
        "statuses": [deleted.status_code, archived.status_code],
        "from_side": linked(c, f"{V4}/objects/contact/1/associations/company"),
        "to_side": [linked(c, f"{V4}/objects/company/{i}/associations/contact") for i in (10, 11)],
    }


def probe_delete_label(c: httpx.Client) -> Observation:
    """DELETE of a label definition: its status, its body, and whether the label is gone."""
    created = c.post(
        f"{V4}/associations/contact/company/labels", json={"name": "gone", "label": "Gone"}
    )
    type_id = created.json()["results"][0]["typeId"]
    r = c.delete(f"{V4}/associations/contact/company/labels/{type_id}")
    listed = c.get(f"{V4}/associations/contact/company/labels").json()["results"]
    return {
        "status": r.status_code,
        "body": r.content.decode(),
        "still_listed": any(t.get("label") == "Gone" for t in listed),
    }


def probe_list_labels(c: httpx.Client) -> Observation:
    """list_labels on the v4 and 2026-03 paths: statuses, typeIds present, categories documented."""
    answers = [
        c.get(f"{V4}/associations/contacts/companies/labels"),
        c.get("/crm/associations/2026-03/contacts/companies/labels"),
    ]
    labels = [t for r in answers for t in r.json()["results"]]
    return {
        "statuses": [r.status_code for r in answers],
        "all_have_typeId": all("typeId" in t for t in labels),
        "undocumented_categories": sorted({t["category"] for t in labels} - DOCUMENTED_CATEGORIES),
    }


def probe_label_usage(c: httpx.Client) -> Observation:
    """One custom label contact→company: the usage the limits usage labels call reports."""
    c.post(f"{V4}/associations/contact/company/labels", json={"name": "used", "label": "Used"})
    (pair,) = c.get(
        "/crm/v3/limits/associations/labels",
        params={"fromObjectTypeId": "0-1", "toObjectTypeId": "0-2"},
    ).json()["results"]
    return {"usage": pair["usage"], "labels": pair["allLabels"]}


def probe_record_usage(c: httpx.Client) -> Observation:
    """A limit of 1 on the unlabeled contact→company type and contact 1 at it: near and at."""
    body = {"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 279, "maxToObjectIds": 1}]}
    c.post(f"{V4}/associations/definitions/configurations/contact/company/batch/create", json=body)
    c.put(f"{V4}/objects/contact/1/associations/default/company/2")
    answer = c.get("/crm/v3/limits/associations/records/0-1/0-2").json()
    return {
        "near": [str(s["objectId"]) for s in answer["nearLimitFromRecordSamples"]],
        "at": [str(s["objectId"]) for s in answer["atLimitFromRecordSamples"]],
    }


def probe_refused_write(c: httpx.Client) -> Observation:
    """A default PUT with a token holding only read scopes: its status and category, and
    whether the association was stored all the same."""
    token = {"token": "read-only", "scopes": ["crm.objects.contacts.read"]}
    assert c.post("/_emulator/tokens", json=token).status_code == 201
    path = f"{V4}/objects/contact/1/associations/default/company/2"
    refused = c.put(path, headers={"Authorization": "Bearer read-only"})
    return {
        "status": refused.status_code,
        "category": refused.json().get("category"),
        "stored": linked(c, f"{V4}/objects/contact/1/associations/company"),
    }


# probe, what the unmutated emulator shows, and the mutants it catches with what they show.
PROBES: dict[str, tuple[Probe, Observation, dict[str, Observation]]] = {
    "paired-label": (
        probe_paired_label,
        {"types_made": 2, "inverse_listed": True, "inverse_on_association": True},
        {
            "paired-label-no-inverse": {
                "types_made": 1,
                "inverse_listed": False,
                "inverse_on_association": False,
            }
        },
    ),
    "401": (
        probe_401,
        {
            "statuses": [401, 401],
            "correlation_ids": [True, True],
            "categories": ["INVALID_AUTHENTICATION"] * 2,
        },
        {
            "401-without-correlation-id": {
                "statuses": [401, 401],
                "correlation_ids": [False, False],
                "categories": ["INVALID_AUTHENTICATION"] * 2,
            }
        },
    ),
    "batch-create": (
        probe_batch_create,
        {"status": 201, "results": ["1", "2", "3"], "numErrors": 0, "stored": ["1", "2", "3"]},
        {
            "batch-create-drops-one": {
                "status": 201,
                "results": ["1", "2"],
                "numErrors": 0,
                "stored": ["1", "2"],
            }
        },
    ),
    "default-limit": (
        probe_default_limit,
        {
            "default_put": [200, 400],
            "batch_default_errors": 1,
            "labelled_put": [201, 400],
            "batch_create": [207, 1],
            "linked": [1, 1, 1, 1],
        },
        {
            "default-ignores-limit": {
                "default_put": [200, 200],
                "batch_default_errors": 0,
                "labelled_put": [201, 400],
                "batch_create": [207, 1],
                "linked": [2, 2, 1, 1],
            }
        },
    ),
    "rate-limit": (
        probe_rate_limit,
        {
            "statuses": [200, 200, 200, 429],
            "headers": [True] * 4,
            "errorType": "RATE_LIMIT",
        },
        {
            "rate-limit-ignored": {
                "statuses": [200] * 4,
                "headers": [False] * 4,
                "errorType": None,
            }
        },
    ),
    "delete": (
        probe_delete,
        {"statuses": [204, 204], "from_side": [], "to_side": [[], []]},
        {
            "delete-leaves-reverse": {
                "statuses": [204, 204],
                "from_side": [],
                "to_side": [["1"], ["1"]],
            }
        },
    ),
    "delete-label": (
        probe_delete_label,
        {"status": 204, "body": "", "still_listed": False},
        {
            "delete-label-200-body": {
                "status": 200,
                "body": '{"status":"ok"}',
                "still_listed": False,
            }
        },
    ),
    "list-labels": (
        probe_list_labels,
        {"statuses": [200, 200], "all_have_typeId": True, "undocumented_categories": []},
        {
            "missing-required-field": {
                "statuses": [200, 200],
                "all_have_typeId": False,
                "undocumented_categories": [],
            },
            "wrong-enum-value": {
                "statuses": [200, 200],
                "all_have_typeId": True,
                "undocumented_categories": ["NOT_A_DOCUMENTED_CATEGORY"],
            },
            "server-error-status": {
                "statuses": [500, 500],
                "all_have_typeId": True,
                "undocumented_categories": [],
            },
        },
    ),
    "label-usage": (
        probe_label_usage,
        {"usage": 1, "labels": ["Used"]},
        {"label-usage-counted-twice": {"usage": 2, "labels": ["Used"]}},
    ),
    "record-usage": (
        probe_record_usage,
        {"near": [], "at": ["1"]},
        {"at-limit-reported-near": {"near": ["1"], "at": []}},
    ),
    "refused-write": (
        probe_refused_write,
        {"status": 403, "category": "MISSING_SCOPES", "stored": []},
        {"refused-write-applies": {"status": 403, "category": "MISSING_SCOPES", "stored": ["2"]}},
    ),
}


def expected(probe: str, server: str) -> Observation:
    """What a probe must observe on a server: its bug if the server's mutant is one it catches."""
    _, correct, bugs = PROBES[probe]
    return bugs.get(server, correct)


@pytest.mark.parametrize("name", [NO_MUTANT, *MUTANTS])
def test_a_server_shows_exactly_its_own_bug(name: str) -> None:
    """On each server every probe sees the correct behaviour, except the mutant's probe its bug."""
    with (
        serve_mutant(name) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as c,
    ):
        observed = {}
        for probe_name, (probe, _, _) in PROBES.items():
            assert c.post("/_emulator/reset").status_code == 200
            observed[probe_name] = probe(c)
    assert observed == {p: expected(p, name) for p in PROBES}


def test_every_mutant_has_a_probe_that_catches_it() -> None:
    """Each registered mutant is caught by exactly one probe: none goes untested."""
    caught = [m for _, _, bugs in PROBES.values() for m in bugs]
    assert sorted(caught) == sorted(MUTANTS)


def test_the_catalog_holds_the_required_mutants_and_rules() -> None:
    """The registry maps exactly the required names to their rules, each with a one-line text."""
    assert {name: m.rule for name, m in MUTANTS.items()} == REQUIRED
    for name, mutant in MUTANTS.items():
        assert isinstance(mutant, Mutant)
        assert mutant.name == name
        assert KEBAB.fullmatch(name), name
        assert mutant.description
        assert "\n" not in mutant.description


def test_a_configured_rate_limit_is_ignored_too() -> None:
    """With --rate-limit the rate-limit-ignored mutant still shows the limit yet never enforces it."""
    with (
        serve_mutant("rate-limit-ignored", rate_limit="2/60") as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as c,
    ):
        assert c.get("/_emulator/rate-limit").json() == {"requests": 2, "seconds": 60.0}
        answers = [c.get(f"{V4}/objects/contact/1/associations/company") for _ in range(4)]
        assert [r.status_code for r in answers] == [200] * 4
        assert not any(h in r.headers for r in answers for h in RATE_LIMIT_HEADERS)


def test_none_enforces_a_configured_rate_limit() -> None:
    """The unmutated server given --rate-limit 2/60 answers the third request 429."""
    with (
        serve_mutant(NO_MUTANT, rate_limit="2/60") as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as c,
    ):
        statuses = [
            c.get(f"{V4}/objects/contact/1/associations/company").status_code for _ in range(3)
        ]
        assert statuses == [200, 200, 429]


def test_an_unknown_mutant_is_refused() -> None:
    """mutate names the known mutants when asked for one that does not exist."""
    with pytest.raises(ValueError, match="paired-label-no-inverse"):
        mutate(None, "no-such-mutant")  # type: ignore[arg-type]


def test_the_server_stops_on_sigterm_with_status_0() -> None:
    """SIGTERM stops the mutant server gracefully: exit status 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.mutants.server", NO_MUTANT],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("READY http://127.0.0.1:")
        process.terminate()
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        assert process.stdout is not None
        process.stdout.close()


def test_the_server_stops_by_itself_when_its_lifetime_ends() -> None:
    """With --lifetime 1 the server exits on its own, status 0, in a few seconds."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "tests.mutants.server", NO_MUTANT, "--lifetime", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("READY http://127.0.0.1:")
    assert time.monotonic() - started < 15


@pytest.mark.parametrize(
    "argv", [["no-such-mutant"], ["none", "--lifetime", "901"], ["none", "--rate-limit", "0/1"]]
)
def test_bad_server_arguments_exit_with_a_usage_error(argv: list[str]) -> None:
    """An unknown mutant, a lifetime past 15 minutes or a bad rate limit stop with status 2."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.mutants.server", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
