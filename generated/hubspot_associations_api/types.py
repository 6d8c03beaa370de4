# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
"""Contains some shared types for properties"""

import json
import math
import os
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, ParamSpec, TypeVar

import httpx
from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus | int
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


P = ParamSpec("P")
R_co = TypeVar("R_co", covariant=True)


@dataclass(frozen=True)
class Operation(Generic[P, R_co]):
    """One API operation as a typed object; every endpoint module defines its own as ``OPERATION``.

    ``P`` is the parameters of the operation (those of its ``sync``/``asyncio`` functions, client
    aside) and ``R_co`` the union of its documented success models (None for a success without a
    body), so a caller that sends the request itself is type-checked against the spec:

    * ``operation_id``: the spec's operationId, also the module's name;
    * ``build_request(*args, **kwargs)``: the keyword arguments of ``httpx.Client.request``
      (method, url, and params, json, headers as the operation needs);
    * ``parse_success(response)``: a 2xx answer as ``R_co``, or ``ParseError`` naming its status
      when the body does not have the documented shape.
    """

    operation_id: str
    build_request: Callable[P, dict[str, Any]]
    parse_success: Callable[[httpx.Response], R_co]


def status_of(code: int) -> HTTPStatus | int:
    """The status as an HTTPStatus where Python knows it, else the plain int (HubSpot's 52x)."""
    try:
        return HTTPStatus(code)
    except ValueError:
        return code


def looks_like_json(response: "httpx.Response") -> bool:
    """Whether a response body can be JSON at all: not empty, and not an HTML error page."""
    content = response.content.lstrip()
    return content[:1] in (b"{", b"[")


class ParseError(ValueError):
    """A response body does not have the shape the API documents; the message says where.

    ``status`` is the HTTP status of the answer when the error escaped an endpoint's parsing
    (the message names it too); None when a model's ``from_dict`` raised it directly.
    """

    status: int | None = None


_loads: Callable[[bytes], Any] | None = None


def json_loads() -> Callable[[bytes], Any]:
    """The JSON parser of every answer: orjson's when the ``[speedups]`` extra installed it
    (imported at the first decode, never at import time), else the standard library's.
    HUBSPOT_ASSOCIATIONS_JSON=json keeps the standard library's. Both read the same JSON: UTF-8
    (a byte order mark is skipped), no NaN or Infinity, no decimal number past a float's range,
    no half of a surrogate pair. Left apart, as orjson reads them: an integer past 64 bits is a
    float there (past a float's range, refused), and nesting deeper than about 990 levels."""
    global _loads
    if _loads is None:
        wanted = os.environ.get("HUBSPOT_ASSOCIATIONS_JSON", "").strip().lower()
        try:
            _loads = json_parser("json" if wanted == "json" else "orjson")
        except ImportError:
            _loads = json_parser("json")
    return _loads


_PARSERS: dict[str, Callable[[bytes], Any]] = {}


def json_parser(name: Literal["json", "orjson"]) -> Callable[[bytes], Any]:
    """One of the two parsers by name, the same object on every call (benchmarks and tests
    compare them); ImportError for orjson without the ``[speedups]`` extra."""
    if name not in _PARSERS:
        if name == "json":
            _PARSERS[name] = _stdlib_loads
        else:
            import orjson

            def loads(
                raw: bytes, _orjson: Callable[[bytes], Any] = orjson.loads
            ) -> Any:
                return _orjson(raw[3:] if raw[:3] == _BOM else raw)

            _PARSERS[name] = loads
    return _PARSERS[name]


_BOM = b"\xef\xbb\xbf"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite(text: str) -> float:
    value = float(text)
    if value in (math.inf, -math.inf):
        raise ValueError(f"the number {text[:24]} is past a float's range")
    return value


# The standard library on its own reads NaN, Infinity and 1e400 (as inf) and UTF-16 bodies,
# which orjson refuses: strict hooks make the two parsers read the same language.
_STRICT_DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=_refuse_constant)


def _stdlib_loads(raw: bytes) -> Any:
    """The standard library's parser, held to what orjson reads."""
    text = (raw[3:] if raw[:3] == _BOM else raw).decode("utf-8")
    value = _STRICT_DECODER.decode(text)
    if "\\ud" in text or "\\uD" in text:
        # An escaped surrogate: json pairs halves into one character and keeps a lone half,
        # which no file or terminal can write later. Only then is the answer read again, every
        # key kept (a later duplicate must not hide a bad string), and written back (C-fast).
        try:
            json.dumps(
                json.loads(text, object_pairs_hook=list), ensure_ascii=False
            ).encode()
        except UnicodeEncodeError:
            raise ValueError("a string holds half of a surrogate pair") from None
    return value


def json_body(response: "httpx.Response") -> Any:
    """The decoded JSON of an answer. A body that is not JSON (empty, HTML, cut short, not
    UTF-8) raises ParseError naming the status and what is wrong, not a bare JSONDecodeError."""
    # Every page decode passes here: on success, nothing but the decode (no copy of the body).
    try:
        return (_loads or json_loads())(response.content)
    except (
        ValueError,
        RecursionError,
    ) as exc:  # JSONDecodeError, UnicodeDecodeError, nesting
        error = ParseError(
            f"the {response.status_code} answer is not JSON ({_not_json(response, exc)})"
        )
        error.status = response.status_code
        raise error from exc


def _not_json(response: "httpx.Response", exc: BaseException) -> str:
    """What is wrong with a body that failed to decode, for an error message (cold path)."""
    content = response.content
    if not content:
        return "empty body"
    # The same words whichever parser failed: the standard library's account of the problem.
    try:
        _stdlib_loads(content)
    except UnicodeDecodeError as bad:
        problem = f"not {bad.encoding}: {bad.reason} at byte {bad.start}"
    except RecursionError:
        problem = "nested too deeply"
    except ValueError as stdlib_exc:
        problem = str(stdlib_exc)
    else:
        nested = "depth limit" in str(exc) or "recursion" in str(exc)
        problem = "nested too deeply" if nested else str(exc)
    kind = response.headers.get("content-type", "no content type")
    return f"{kind}, {len(content)} bytes: {problem}; first bytes {content[:60]!r}"


def with_status(exc: ParseError, status: int) -> ParseError:
    """A ParseError raised by a model's ``from_dict``, its message naming the answer's status."""
    error = ParseError(f"the {status} answer has the wrong shape: {exc}")
    error.status = status
    return error


_JSON_KINDS = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
}


def json_kind(value: object) -> str:
    """How JSON names the type of a decoded value: "an array", "a string", "null"..."""
    if value is None:
        return "null"
    return _JSON_KINDS.get(type(value), type(value).__name__)


_INT64 = 2**63


def _number_words(value: object) -> str:
    # Words that do not depend on the parser: orjson reads an integer past 64 bits as a float.
    if type(value) is float:
        if abs(value) >= _INT64:
            return "a number past the 64-bit integers"
        return "a decimal number" if value.is_integer() else "a number with a fraction"
    if type(value) is int and abs(value) >= _INT64:
        return "a number past the 64-bit integers"
    return json_kind(value)


def not_an_integer(key: str, value: object) -> str:
    """The message for a field typed integer that holds something else (cold path)."""
    return f"{key}: expected an integer, got {_number_words(value)}"


def record_id_fits(digits: str) -> bool:
    """Whether a string of ASCII digits is a record ID, 1 to 2^63 - 1 (cold path: 19 digits or
    more, or a leading zero). The client's input rule reads the same digits the same way."""
    significant = digits.lstrip("0")
    return 0 < len(significant) <= 19 and int(significant) < _INT64


def _shown(value: str, limit: int = 40) -> str:
    # A 10,000-digit value must not flood the message.
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…({len(text)} chars)"


def not_a_record_id(key: str, value: object) -> str:
    """The message for a record ID that is neither digits nor a whole number from 1 to 2^63 - 1
    (cold path)."""
    if type(value) is int and 0 >= value > -_INT64:
        got = "a number below 1"
    elif type(value) is str and value.isdigit() and value.isascii():
        what = (
            "zero: record IDs start at 1" if not value.strip("0") else "past 2^63 - 1"
        )
        got = f"{_shown(value)}, {what}"
    elif type(value) is str:
        got = f"a string that is not all digits ({_shown(value)})"
    else:
        got = _number_words(value)
    return f"{key}: expected a record ID (digits, or a whole number from 1 to 2^63 - 1), got {got}"


__all__ = [
    "UNSET",
    "File",
    "FileTypes",
    "Operation",
    "ParseError",
    "RequestFiles",
    "Response",
    "Unset",
    "json_body",
    "json_kind",
    "json_loads",
    "json_parser",
    "looks_like_json",
    "not_a_record_id",
    "not_an_integer",
    "record_id_fits",
    "status_of",
    "with_status",
]
