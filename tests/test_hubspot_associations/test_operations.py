"""The typed seam between the facade and generated code: every endpoint module's OPERATION, how
the clients send it, and mypy checking each call into generated/ against the spec."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from hubspot_associations_api import api
from hubspot_associations_api.api.batch import batch_remove_associations
from hubspot_associations_api.api.labels import list_labels
from hubspot_associations_api.models import VoidBatch
from hubspot_associations_api.types import Operation, ParseError

from hubspot_associations import HubSpotAssociations, UnexpectedResponseError
from tests.test_hubspot_associations.test_facade import make_client

ROOT = Path(__file__).resolve().parents[2]
GROUPS = ("basic", "batch", "labels", "limits", "report", "bulk")


def endpoint_modules() -> list[ModuleType]:
    """Every generated endpoint module (one per operationId)."""
    found = []
    for tag in pkgutil.iter_modules(api.__path__):
        package = importlib.import_module(f"{api.__name__}.{tag.name}")
        for module in pkgutil.iter_modules(package.__path__):
            found.append(importlib.import_module(f"{package.__name__}.{module.name}"))
    return found


def test_every_endpoint_module_has_its_typed_operation() -> None:
    """Each of the 23 modules (one per operation of curated.yaml) exports OPERATION, named by its
    operationId, built from its own request builder and success parser."""
    modules = endpoint_modules()
    assert len(modules) == 23
    for module in modules:
        operation = module.OPERATION
        assert isinstance(operation, Operation)
        assert operation.operation_id == module.__name__.rsplit(".", 1)[-1]
        assert operation.build_request is module._get_kwargs
        assert operation.parse_success is module._parse_success


def test_the_request_builder_takes_the_operations_parameters() -> None:
    """build_request has the parameters of the operation's sync function, client aside."""
    for module in endpoint_modules():
        builder = inspect.signature(module.OPERATION.build_request).parameters
        public = dict(inspect.signature(module.sync_detailed).parameters)
        del public["client"]
        assert list(builder) == list(public), module.__name__


def test_parse_success_reads_documented_and_undocumented_2xx() -> None:
    """A void call's 204 is None and its 200 the batch body; any other 2xx with a body is read
    like the documented success."""
    void = batch_remove_associations.OPERATION.parse_success
    body = {
        "status": "COMPLETE",
        "startedAt": "2026-03-01T10:00:00Z",
        "completedAt": "2026-03-01T10:00:01Z",
    }
    assert void(httpx.Response(204)) is None
    assert void(httpx.Response(202)) is None
    assert isinstance(void(httpx.Response(200, json=body)), VoidBatch)
    assert isinstance(void(httpx.Response(202, json=body)), VoidBatch)


def test_parse_success_refuses_an_empty_answer_where_a_body_is_documented() -> None:
    """list_labels always answers with a body: an empty 204 is a ParseError naming 204."""
    with pytest.raises(ParseError, match=r"^the 204 answer is not JSON \(empty body\)"):
        list_labels.OPERATION.parse_success(httpx.Response(204))
    with pytest.raises(ValueError, match="404 is not a success status"):
        list_labels.OPERATION.parse_success(httpx.Response(404, json={}))


def test_the_facade_maps_an_empty_answer_to_unexpected_response() -> None:
    """labels.list on an empty 204 raises UnexpectedResponseError, not an AttributeError on None."""
    with (
        make_client(lambda request: httpx.Response(204)) as client,
        pytest.raises(UnexpectedResponseError, match="HubSpot answered 204") as caught,
    ):
        client.labels.list("contact", "company")
    assert isinstance(caught.value.__cause__, ParseError)


def test_the_facade_sends_through_the_operation() -> None:
    """A facade call builds its request with the operation's builder: method, path and body."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    with make_client(handler) as client:
        assert client.batch.remove("contact", "company", [(1, 2)]) is None
    [request] = seen
    assert (request.method, request.url.path) == (
        "POST",
        "/crm/v4/associations/contact/company/batch/archive",
    )


def test_every_facade_method_names_its_operation_id() -> None:
    """Each public method of every group says which operationId(s) it sends, and they exist."""
    operation_ids = {module.OPERATION.operation_id for module in endpoint_modules()}
    client = HubSpotAssociations("t", base_url="http://127.0.0.1:9", rate_limit=None)
    with client:
        for group in GROUPS:
            owner = getattr(client, group)
            for name, method in inspect.getmembers(owner, inspect.ismethod):
                if name.startswith("_"):
                    continue
                named = re.findall(r"operationId ``(\w+)``", inspect.getdoc(method) or "")
                assert named, f"{group}.{name} names no operationId"
                assert set(named) <= operation_ids, (group, name, named)


BAD_CALLS = """
from hubspot_associations._async.client import AsyncCore
from hubspot_associations._sync.client import Core
from hubspot_associations_api.api.basic import list_associations
from hubspot_associations_api.api.labels import list_labels


async def wrong_keyword(core: AsyncCore) -> None:
    await core.call(list_labels.OPERATION, "contact", "company", wrong_keyword=1)


async def wrong_positional_type(core: AsyncCore) -> None:
    await core.call(list_labels.OPERATION, "contact", 3)


def wrong_query_type(core: Core) -> None:
    core.call(list_associations.OPERATION, "contact", "1", "company", after=5)
"""

GOOD_CALLS = """
from hubspot_associations._async.client import AsyncCore
from hubspot_associations._sync.client import Core
from hubspot_associations_api.api.batch import batch_remove_associations
from hubspot_associations_api.api.labels import list_labels
from hubspot_associations_api.models import BatchInputPublicAssociationMultiArchive


async def right(core: AsyncCore) -> None:
    reveal_type(await core.call(list_labels.OPERATION, "contact", "company"))


def right_sync(core: Core, body: BatchInputPublicAssociationMultiArchive) -> None:
    reveal_type(core.call(batch_remove_associations.OPERATION, "contact", "company", body=body))
"""


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """mypy --strict (the repository's configuration and mypy_path) over both files, once:
    {file name: its lines of output}."""
    work = tmp_path_factory.mktemp("typed_seam")
    (work / "seam_bad.py").write_text(textwrap.dedent(BAD_CALLS))
    (work / "seam_good.py").write_text(textwrap.dedent(GOOD_CALLS))
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(work / "cache"), "--no-error-summary",
         str(work / "seam_bad.py"), str(work / "seam_good.py")],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    lines: dict[str, list[str]] = {"seam_bad.py": [], "seam_good.py": []}
    for line in done.stdout.splitlines():
        lines[Path(line.split(":", 1)[0]).name].append(line)
    return lines


def test_mypy_rejects_wrong_calls_into_generated_code(mypy_output: dict[str, list[str]]) -> None:
    """A keyword the request builder lacks, or an argument of the wrong type, is a mypy error."""
    errors = [line for line in mypy_output["seam_bad.py"] if ": error:" in line]
    assert len(errors) == 3, mypy_output["seam_bad.py"]
    assert 'Unexpected keyword argument "wrong_keyword" for "call" of "AsyncCore"' in errors[0]
    assert (
        'Argument 3 to "call" of "AsyncCore" has incompatible type "int"; expected "str"'
        in (errors[1])
    )
    assert 'Argument "after" to "call" of "Core" has incompatible type "int"' in errors[2]


def test_mypy_reveals_the_precise_success_type(mypy_output: dict[str, list[str]]) -> None:
    """A right call passes and its result is the operation's success union, not Any."""
    out = mypy_output["seam_good.py"]
    assert not [line for line in out if ": error:" in line], out
    revealed = [line.split("Revealed type is ", 1)[1] for line in out if "Revealed type" in line]
    models = "hubspot_associations_api.models"
    assert revealed == [
        f'"{models}.collection_response_association_spec_with_label_no_paging.'
        'CollectionResponseAssociationSpecWithLabelNoPaging"',
        f'"{models}.void_batch.VoidBatch | None"',
    ]
