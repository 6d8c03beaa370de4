"""A bulk job's identity: what a results file belongs to, so --resume never skips another job."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["JobIdentity"]

# Fields shown to people but not compared: the same data under another name is the same job.
_NOT_COMPARED = frozenset({"input_name"})


@dataclass(frozen=True)
class JobIdentity:
    """Everything that decides what a bulk run sends."""

    command: str
    from_type: str
    to_type: str
    api_version: str
    input_sha256: str
    types: tuple[tuple[str, int], ...] = ()
    label: str | None = None
    primary: bool = False
    input_name: str = field(default="", compare=False)
    # How the file is read and what is done with odd lines: each changes what is sent. A results
    # file written before these existed reads back with the defaults, so it still resumes.
    from_column: str | None = None
    to_column: str | None = None
    delimiter: str | None = None
    strict: bool = False
    skip_invalid: bool = False
    types_from_file: bool = False

    def to_json(self) -> dict[str, Any]:
        """The identity as written on a results file's first line."""
        data = asdict(self)
        data["types"] = [list(t) for t in self.types]
        return data

    @classmethod
    def from_json(cls, data: object) -> JobIdentity | None:
        """The identity read back, or None when the line is not one."""
        if not isinstance(data, dict):
            return None
        try:
            types = tuple((str(c), int(i)) for c, i in data.get("types", []))
            return cls(
                command=str(data["command"]),
                from_type=str(data["from_type"]),
                to_type=str(data["to_type"]),
                api_version=str(data["api_version"]),
                input_sha256=str(data["input_sha256"]),
                types=types,
                label=None if data.get("label") is None else str(data["label"]),
                primary=bool(data.get("primary", False)),
                input_name=str(data.get("input_name", "")),
                from_column=_text_or_none(data.get("from_column")),
                to_column=_text_or_none(data.get("to_column")),
                delimiter=_text_or_none(data.get("delimiter")),
                strict=bool(data.get("strict", False)),
                skip_invalid=bool(data.get("skip_invalid", False)),
                types_from_file=bool(data.get("types_from_file", False)),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def differences(self, other: JobIdentity) -> list[str]:
        """What differs from ``other`` (empty: the same job)."""
        mine, theirs = self.to_json(), other.to_json()
        return [
            f"{key}: {theirs[key]!r} there, {mine[key]!r} now"
            for key in mine
            if key not in _NOT_COMPARED and mine[key] != theirs[key]
        ]

    def describe(self) -> str:
        """One line a person recognises: the command that made this job."""
        what = ""
        if self.primary:
            what = " --primary"
        elif self.label:
            what = f" --label {self.label!r}"
        elif self.types_from_file:
            what = " --types-from-file"
        elif self.types:
            what = " --type-id " + ",".join(str(i) for _, i in self.types)
        for option in ("from_column", "to_column", "delimiter"):
            if getattr(self, option) is not None:
                what += f" --{option.replace('_', '-')} {getattr(self, option)!r}"
        what += " --strict" if self.strict else ""
        what += " --skip-invalid …" if self.skip_invalid else ""
        return (
            f"{self.command} {self.input_name or '(input)'} --from {self.from_type} "
            f"--to {self.to_type}{what} --api-version {self.api_version} "
            f"(input sha256 {self.input_sha256[:12]}…)"
        )


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)
