"""Portals, tokens as data, OAuth expiry and refresh, token introspection, per-portal budgets,
and the control API's portal dimension, seen over HTTP as a user's test meets them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, RunningEmulator, serve_in_thread
from hubspot_associations_emulator.tokens import DEFAULT_PORTAL_ID

OTHER = 4242
ASSOCIATE = "/crm/v4/objects/contacts/{a}/associations/default/companies/{b}"
LIST = "/crm/v4/objects/contacts/{a}/associations/companies"


@pytest.fixture
def http(server: RunningEmulator) -> Iterator[httpx.Client]:
    """A plain HTTP client of the module's emulator (conftest's ``server``), after a full
    reset: each test sends its own tokens."""
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        assert client.post("/_emulator/reset").status_code == 200
        yield client


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _add(http: httpx.Client, **body: Any) -> httpx.Response:
    return http.post("/_emulator/tokens", json=body)


def _associated(http: httpx.Client, token: str, a: int) -> list[str]:
    r = http.get(LIST.format(a=a), headers=_bearer(token))
    assert r.status_code == 200, r.text
    return [x["toObjectId"] for x in r.json()["results"]]


def test_a_token_reaches_only_its_own_portal(http: httpx.Client, server: RunningEmulator) -> None:
    """The same record IDs in two portals are two records: a write through one portal's token
    is invisible through the other's, and each portal's snapshot holds its own rows."""
    assert _add(http, token="other", portalId=OTHER).status_code == 201
    assert http.put(ASSOCIATE.format(a=1, b=2), headers=_bearer("other")).status_code == 200
    assert http.put(ASSOCIATE.format(a=1, b=3), headers=_bearer(server.token)).status_code == 200
    assert _associated(http, "other", 1) == ["2"]
    assert _associated(http, server.token, 1) == ["3"]
    other = http.get("/_emulator/snapshot", params={"portalId": OTHER}).json()
    assert other["portalId"] == OTHER
    assert other["version"] == 3
    assert ["0-1", 1, "0-2", 2, 279] in other["tables"]["assoc"]
    assert all(row[3] != 3 for row in other["tables"]["assoc"])


def test_custom_type_ids_are_counted_per_portal(
    http: httpx.Client, server: RunningEmulator
) -> None:
    """Each portal numbers its custom labels from the same first ID."""
    _add(http, token="other", portalId=OTHER)
    body = {"name": "partner", "label": "Partner"}
    ids = []
    for token in ("other", server.token):
        r = http.post("/crm/v4/associations/contacts/companies/labels", json=body,
                      headers=_bearer(token))  # fmt: skip
        assert r.status_code == 200, r.text
        ids.append(r.json()["results"][0]["typeId"])
    assert ids[0] == ids[1]


def test_tokens_are_strict_data(http: httpx.Client) -> None:
    """An unknown key, a wrong kind or an OAuth-only field on a private-app token is a 400
    naming it, and nothing is added; a taken value is a 409."""
    bad: list[tuple[dict[str, Any], str]] = [
        ({"token": "t", "scope": ["x"]}, "'scope'"),
        ({"token": "t", "kind": "api-key"}, "kind"),
        ({"token": "t", "expiresAt": "2030-01-01T00:00:00Z"}, "expiresAt"),
        ({"token": "t", "kind": "oauth", "expiresAt": "2030-01-01"}, "expiresAt"),
        ({"token": "t", "portalId": "1"}, "portalId"),
        ({"token": " t"}, "token"),
    ]
    for body, named in bad:
        r = _add(http, **body)
        assert r.status_code == 400, (body, r.text)
        assert named in r.json()["message"], (body, r.text)
    assert [t["token"] for t in http.get("/_emulator/tokens").json()["results"]] == [
        "emulator-token"
    ]
    assert _add(http, token="emulator-token").status_code == 409


def test_expiry_refresh_and_revocation(http: httpx.Client) -> None:
    """An expired OAuth token is a 401 EXPIRED_AUTHENTICATION; its refresh token gets a new
    access token that works and is introspected with the same portal, app, user and scopes; a
    revoked token is a 401 INVALID_AUTHENTICATION."""
    _add(http, token="oa", portalId=OTHER, kind="oauth", appId=77, userId=88,
         scopes=["crm.objects.contacts.read", "crm.objects.companies.read"],
         refreshToken="refresh-1")  # fmt: skip
    assert http.get(LIST.format(a=1), headers=_bearer("oa")).status_code == 200
    assert http.post("/_emulator/tokens/expire", json={"token": "oa"}).status_code == 200
    r = http.get(LIST.format(a=1), headers=_bearer("oa"))
    assert (r.status_code, r.json()["category"]) == (401, "EXPIRED_AUTHENTICATION")
    assert http.get("/oauth/v1/access-tokens/oa").status_code == 404
    form = {"grant_type": "refresh_token", "refresh_token": "refresh-1", "client_id": "c",
            "client_secret": "s"}  # fmt: skip
    r = http.post("/oauth/v1/token", data=form)
    assert r.status_code == 200, r.text
    fresh = r.json()
    assert fresh["refresh_token"] == "refresh-1"
    assert fresh["expires_in"] == 1800
    assert http.get(LIST.format(a=1), headers=_bearer(fresh["access_token"])).status_code == 200
    info = http.get(f"/oauth/v1/access-tokens/{fresh['access_token']}").json()
    assert (info["hub_id"], info["app_id"], info["user_id"]) == (OTHER, 77, 88)
    assert info["scopes"] == ["crm.objects.companies.read", "crm.objects.contacts.read"]
    assert 1790 <= info["expires_in"] <= 1800
    http.post("/_emulator/tokens/revoke", json={"token": fresh["access_token"]})
    r = http.get(LIST.format(a=1), headers=_bearer(fresh["access_token"]))
    assert (r.status_code, r.json()["category"]) == (401, "INVALID_AUTHENTICATION")
    # The refresh token went with the revoked access token.
    assert http.post("/oauth/v1/token", data=form).json()["status"] == "BAD_REFRESH_TOKEN"
    assert http.post("/oauth/v1/token", data={**form, "grant_type": "code"}).status_code == 400


def test_private_app_introspection(http: httpx.Client, server: RunningEmulator) -> None:
    """A private-app token's portal, app, user and scopes; an unknown one is a 404, and an OAuth
    token is not a private-app one."""
    url = "/oauth/v2/private-apps/get/access-token-info"
    info = http.post(url, json={"tokenKey": server.token}).json()
    assert (info["hubId"], info["appId"], info["userId"]) == (DEFAULT_PORTAL_ID, 1234567, 7654321)
    assert "crm.objects.contacts.write" in info["scopes"]
    assert http.post(url, json={"tokenKey": "nope"}).status_code == 404
    _add(http, token="oa", kind="oauth")
    assert http.post(url, json={"tokenKey": "oa"}).status_code == 404
    assert http.post(url, json={}).status_code == 400


def test_rate_budget_is_per_app_and_portal(http: httpx.Client, server: RunningEmulator) -> None:
    """Two apps of one portal each get the portal's window; another portal has its own limit."""
    http.put("/_emulator/rate-limit", json={"requests": 2, "seconds": 60})
    _add(http, token="app2", appId=2)
    _add(http, token="elsewhere", portalId=OTHER)
    statuses = [http.get(LIST.format(a=1), headers=_bearer(t)).status_code
                for t in (server.token, server.token, server.token, "app2", "app2", "elsewhere")]  # fmt: skip
    assert statuses == [200, 200, 429, 200, 200, 200]
    assert http.get("/_emulator/rate-limit", params={"portalId": OTHER}).json()["requests"] is None
    counts = http.get("/_emulator/requests").json()
    assert counts["busiestWindow"] == 2
    assert counts["rateLimited"]["total"] == 1


def test_daily_cap_and_its_reset(http: httpx.Client) -> None:
    """A portal's daily cap answers HubSpot's DAILY 429 once spent, with the daily headers, until
    the control API ends the portal's day; other portals are not touched."""
    _add(http, token="other", portalId=OTHER)
    r = http.put(f"/_emulator/portals/{OTHER}", json={"dailyLimit": 2})
    assert r.json()["dailyLimit"] == 2
    first = http.get(LIST.format(a=1), headers=_bearer("other"))
    assert first.headers["x-hubspot-ratelimit-daily-remaining"] == "1"
    http.get(LIST.format(a=1), headers=_bearer("other"))
    spent = http.get(LIST.format(a=1), headers=_bearer("other"))
    assert (spent.status_code, spent.json()["policyName"]) == (429, "DAILY")
    assert http.get(LIST.format(a=1), headers=_bearer("emulator-token")).status_code == 200
    http.post(f"/_emulator/portals/{OTHER}/daily-reset")
    assert http.get(LIST.format(a=1), headers=_bearer("other")).status_code == 200
    bad = http.put(f"/_emulator/portals/{OTHER}", json={"dailyLimit": 0, "rate": 1})
    assert bad.status_code == 400
    assert "rate" in bad.json()["message"]
    assert http.put("/_emulator/portals/999", json={"dailyLimit": -1}).status_code == 400
    ids = [p["portalId"] for p in http.get("/_emulator/portals").json()["results"]]
    assert 999 not in ids  # a refused PUT made no portal


def test_control_calls_name_their_portal(http: httpx.Client) -> None:
    """Journal, counts, seed, faults, config and reset act on the portal named; an unknown portal
    is a 404 saying how to make it; a reset of one portal keeps the others and the tokens."""
    _add(http, token="other", portalId=OTHER)
    seeded = http.post("/_emulator/seed", json={"portalId": OTHER, "associations": [
        {"fromObjectType": "contact", "fromObjectId": 5, "toObjectType": "company",
         "toObjectId": 6}]})  # fmt: skip
    assert seeded.status_code == 200, seeded.text
    assert _associated(http, "other", 5) == ["6"]
    assert _associated(http, "emulator-token", 5) == []
    entries = http.get("/_emulator/journal", params={"portalId": OTHER}).json()["entries"]
    assert [e["portalId"] for e in entries] == [OTHER]
    assert http.get("/_emulator/requests", params={"portalId": OTHER}).json()["received"] == 1
    http.put("/_emulator/config", json={"portalId": OTHER, "numericIds": True})
    r = http.get(LIST.format(a=5), headers=_bearer("other"))
    assert r.json()["results"][0]["toObjectId"] == 6
    assert http.get("/_emulator/config").json()["numericIds"] is False
    http.put("/_emulator/faults", json={"portalId": OTHER, "script": [{"kind": "503"}]})
    assert http.get(LIST.format(a=5), headers=_bearer("other")).status_code == 503
    assert http.get(LIST.format(a=5), headers=_bearer("emulator-token")).status_code == 200
    missing = http.get("/_emulator/journal", params={"portalId": 31337})
    assert missing.status_code == 404
    assert "POST /_emulator/tokens" in missing.json()["message"]
    assert http.post("/_emulator/reset", json={"portalId": OTHER}).status_code == 200
    assert _associated(http, "other", 5) == []  # the token survived the portal's reset
    assert http.post("/_emulator/reset", json={"portalId": OTHER, "x": 1}).status_code == 400


def test_a_version_1_snapshot_restores_into_the_portal_named(http: httpx.Client) -> None:
    """A snapshot taken before portals (version 1, no portalId) is read, into the portal the
    body names; an unknown version is refused with what to do."""
    tables: dict[str, list[list[object]]] = {
        "assoc": [["0-1", 8, "0-2", 9, 279], ["0-2", 9, "0-1", 8, 280]],
        "types": [], "limits": [], "records": [], "reports": [], "meta": [],
    }  # fmt: skip
    _add(http, token="other", portalId=OTHER)
    r = http.put("/_emulator/snapshot", json={"version": 1, "portalId": OTHER, "tables": tables})
    assert r.status_code == 200, r.text
    assert _associated(http, "other", 8) == ["9"]
    assert _associated(http, "emulator-token", 8) == []
    r = http.put("/_emulator/snapshot", json={"version": 9, "tables": tables})
    assert r.status_code == 400
    assert "GET /_emulator/snapshot" in r.json()["message"]


def test_global_reset_returns_to_the_start_up_tokens(http: httpx.Client) -> None:
    """POST /_emulator/reset without a portal forgets added tokens and their portals."""
    _add(http, token="other", portalId=OTHER)
    http.post("/_emulator/reset")
    assert http.get(LIST.format(a=1), headers=_bearer("other")).status_code == 401
    assert [p["portalId"] for p in http.get("/_emulator/portals").json()["results"]] == [
        DEFAULT_PORTAL_ID
    ]


def test_control_token_guards_every_control_call() -> None:
    """With a control token, a control call without it is a 401 saying what to send; with it,
    the call works; HubSpot paths still take the portal's tokens."""
    config = EmulatorConfig(control_token="ctl")
    with serve_in_thread(config) as running, httpx.Client(base_url=running.base_url) as http:
        refused = http.get("/_emulator/health")
        assert refused.status_code == 401
        assert "--control-token" in refused.json()["message"]
        assert http.get("/_emulator/health", headers=_bearer("wrong")).status_code == 401
        assert http.get("/_emulator/health", headers=_bearer("ctl")).status_code == 200
        assert http.get(LIST.format(a=1), headers=_bearer(running.token)).status_code == 200


def test_serving_beyond_loopback_needs_a_control_token(tmp_path: Path) -> None:
    """serve --host 0.0.0.0 without a control token refuses before it binds (exit 2, saying
    what to do); serve_in_thread refuses the same way."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "hubspot_associations_emulator", "serve", "--host", "0.0.0.0",
         "--port", "0"],
        capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "--control-token" in done.stderr
    assert "--insecure-control" in done.stderr
    assert "emulator on" not in done.stdout  # nothing was served
    assert time.monotonic() - started < 30
    with pytest.raises(ValueError, match="--control-token"), serve_in_thread(host="0.0.0.0"):
        pass


def _format_1_file(path: Path) -> None:
    """A --db file as the emulator wrote it before portals (format 1)."""
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE assoc (from_type TEXT NOT NULL, from_id INTEGER NOT NULL,
            to_type TEXT NOT NULL, to_id INTEGER NOT NULL, type_id INTEGER NOT NULL,
            PRIMARY KEY (from_type, from_id, to_type, to_id, type_id)) WITHOUT ROWID;
        CREATE TABLE types (type_id INTEGER PRIMARY KEY, category TEXT NOT NULL,
            from_type TEXT NOT NULL, to_type TEXT NOT NULL, label TEXT, inverse_id INTEGER,
            kind TEXT NOT NULL, name TEXT NOT NULL);
        CREATE TABLE limits (type_id INTEGER PRIMARY KEY, max_to INTEGER NOT NULL);
        CREATE TABLE records (type TEXT NOT NULL, id INTEGER NOT NULL,
            PRIMARY KEY (type, id)) WITHOUT ROWID;
        CREATE TABLE reports (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO assoc VALUES ('0-1', 1, '0-2', 2, 279), ('0-2', 2, '0-1', 1, 280);
        INSERT INTO types VALUES (1200, 'USER_DEFINED', '0-1', '0-2', 'Partner', NULL,
            'single', 'partner');
        INSERT INTO meta VALUES ('next_type_id', 1201);
        INSERT INTO reports (body) VALUES ('{"old": true}');
        """
    )
    db.commit()
    db.close()


def test_a_format_1_db_file_is_migrated_into_the_default_portal(tmp_path: Path) -> None:
    """A --db file written before portals is read: its rows become the default portal's, its
    type-ID counter too, and the file is of format 2 afterwards; a later format is refused."""
    path = tmp_path / "old.db"
    _format_1_file(path)
    config = EmulatorConfig(db_path=str(path))
    with serve_in_thread(config) as running, httpx.Client(base_url=running.base_url) as http:
        assert _associated(http, running.token, 1) == ["2"]
        made = http.post("/crm/v4/associations/contacts/companies/labels",
                             json={"name": "other", "label": "Other"},
                             headers=_bearer(running.token))  # fmt: skip
        assert made.json()["results"][0]["typeId"] == 1201
        assert http.get("/_emulator/reports").json()["results"] == [{"old": True}]
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 3
    newer = tmp_path / "newer.db"
    sqlite3.connect(newer).execute("PRAGMA user_version=9")
    newer_config = EmulatorConfig(db_path=str(newer))
    with pytest.raises(ValueError, match="newer emulator"), serve_in_thread(newer_config):
        pass


def test_tokens_file_at_start_up(tmp_path: Path) -> None:
    """serve --tokens FILE accepts its tokens from the start and after a reset; a wrong file is a
    usage error naming the entry."""
    good = tmp_path / "tokens.json"
    good.write_text(json.dumps([{"token": "ro", "portalId": OTHER,
                                 "scopes": ["crm.objects.contacts.read"]}]))  # fmt: skip
    from hubspot_associations_emulator.cli import build_parser, config_from

    config = config_from(build_parser().parse_args(["serve", "--tokens", str(good)]))
    with serve_in_thread(config) as running, httpx.Client(base_url=running.base_url) as http:
        http.post("/_emulator/reset")
        r = http.put(ASSOCIATE.format(a=1, b=2), headers=_bearer("ro"))
        assert r.status_code == 403
        assert r.json()["errors"][0]["context"]["requiredGranularScopes"] == [
            "crm.objects.contacts.write"
        ]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"token": "x", "portal": 1}]))
    done = subprocess.run(
        [sys.executable, "-m", "hubspot_associations_emulator", "serve", "--tokens", str(bad)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "[0]: unknown field 'portal'" in done.stderr


def test_a_write_refuses_a_portal_id_in_its_query(http: httpx.Client) -> None:
    """A PUT or POST names its portal in the body: ?portalId= is a 400 saying so, and the
    default portal is not changed in its place."""
    _add(http, token="other", portalId=OTHER)
    r = http.put("/_emulator/rate-limit", params={"portalId": OTHER},
                 json={"requests": 5, "seconds": 1})  # fmt: skip
    assert r.status_code == 400
    assert "body" in r.json()["message"]
    assert http.get("/_emulator/rate-limit").json()["requests"] is None
    assert http.get("/_emulator/journal", params={"portalId": True}).status_code == 400
    r = http.post("/_emulator/seed", json={"portalId": True})
    assert "got true" in r.json()["message"]  # the request's own spelling, not Python's


def test_a_misspelt_scope_is_refused_with_what_was_meant(http: httpx.Client) -> None:
    """A CRM object scope that is a typo of a known one is a 400 naming the likely one; scopes
    of other kinds or object types it does not know are taken as given."""
    r = _add(http, token="t", scopes=["crm.objects.contactz.read"])
    assert r.status_code == 400
    assert '"crm.objects.contacts.read"' in r.json()["message"]
    assert _add(http, token="t", scopes=["crm.objects.owners.read", "oauth"]).status_code == 201


def test_the_refresh_call_says_it_takes_a_form(http: httpx.Client) -> None:
    """A JSON body on POST /oauth/v1/token is refused saying the body must be form-encoded."""
    r = http.post("/oauth/v1/token", json={"grant_type": "refresh_token"})
    assert r.status_code == 400
    assert "form-encoded" in r.json()["message"]


def test_an_empty_control_token_is_refused() -> None:
    """An empty or blank control token (an unset CI secret) would admit an empty bearer: it is
    refused, by serve (exit 2, before binding) and by serve_in_thread."""
    done = subprocess.run(
        [sys.executable, "-m", "hubspot_associations_emulator", "serve", "--host", "0.0.0.0",
         "--port", "0", "--control-token", ""],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout
    assert "control token is empty" in done.stderr
    assert "emulator on" not in done.stdout
    blank = EmulatorConfig(control_token="  ")
    with pytest.raises(ValueError, match="control token"), serve_in_thread(blank):
        pass


def test_a_foreign_or_broken_db_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    """Another application's SQLite file is refused and left byte for byte as it was; a file
    that is not SQLite is a clear error, not a traceback."""
    foreign = tmp_path / "app.db"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    before = foreign.read_bytes()
    config = EmulatorConfig(db_path=str(foreign))
    with pytest.raises(ValueError, match="another application"), serve_in_thread(config):
        pass
    assert foreign.read_bytes() == before
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, just some notes\n" * 100)
    done = subprocess.run(
        [sys.executable, "-m", "hubspot_associations_emulator", "serve", "--db", str(text)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "not a SQLite database" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_banner_says_how_the_emulator_is_reached_and_guarded() -> None:
    """serve's start-up lines name the default portal, the --tokens file's portals, the control
    token's need, and a loopback URL when listening on every address."""
    from hubspot_associations_emulator.cli import banner
    from hubspot_associations_emulator.tokens import Token

    config = EmulatorConfig(
        tokens=("a",), token_records=(Token("b", portal_id=7),), control_token="c"
    )
    lines = banner("http://0.0.0.0:8080", "0.0.0.0", config, insecure=False)
    assert lines[:2] == ["HubSpot Associations emulator on http://127.0.0.1:8080", "Token: a"]
    assert "every address (0.0.0.0)" in lines[2]
    assert f"Portal: {DEFAULT_PORTAL_ID}" in lines[3]
    assert "portal(s) 7" in lines[4]
    assert "Bearer <control token>" in lines[5]
    warned = banner("http://0.0.0.0:1", "0.0.0.0", EmulatorConfig(), insecure=True)
    assert warned[-1].startswith("WARNING: --insecure-control")
    assert not banner("http://127.0.0.1:1", "127.0.0.1", EmulatorConfig(), insecure=True)[
        -1
    ].startswith("WARNING")


def test_a_format_2_db_file_gains_the_object_tables(tmp_path: Path) -> None:
    """A --db file written with portals but before CRM objects (format 2) keeps its rows and
    takes objects from then on (format 3)."""
    path = tmp_path / "portals.db"
    _format_1_file(path)
    with serve_in_thread(EmulatorConfig(db_path=str(path))):
        pass  # format 1 → 3
    db = sqlite3.connect(path)
    db.executescript("DROP TABLE objects; DROP TABLE schemas; PRAGMA user_version=2;")
    db.close()
    config = EmulatorConfig(db_path=str(path))
    with serve_in_thread(config) as running, httpx.Client(base_url=running.base_url) as http:
        assert _associated(http, running.token, 1) == ["2"]
        made = http.post("/crm/v3/objects/contacts", json={"properties": {"email": "a@b.c"}},
                         headers=_bearer(running.token))  # fmt: skip
        assert made.status_code == 201, made.text
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 3
