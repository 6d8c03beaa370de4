"""Command line: ``python -m codegen generate``, ``check``, ``api-diff [--against REF]`` or
``upstream-diff FILE...``."""

from __future__ import annotations

import argparse
import sys

from codegen.overlay import OverlayError
from codegen.pipeline import ROOT, check, generate


def main(argv: list[str] | None = None) -> int:
    """Run the generation pipeline, or check that committed files match it."""
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument("command", choices=["generate", "check", "api-diff", "upstream-diff"])
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="upstream-diff: OpenAPI files (JSON or YAML) downloaded from HubSpot",
    )
    parser.add_argument(
        "--against",
        metavar="REF",
        help="api-diff: the git ref to compare with (default: the latest tag, else the commit of "
        "the last released CHANGELOG entry, else HEAD)",
    )
    args = parser.parse_args(argv)
    if (args.command == "upstream-diff") != bool(args.files):
        parser.error("upstream-diff needs one or more FILEs; no other command takes any")
    # Each report loads its own tools (griffe for api-diff) only when asked for.
    if args.command == "upstream-diff":
        from codegen.upstream_diff import main as upstream_diff

        return upstream_diff(args.files)
    if args.command == "api-diff":
        from codegen import api_diff

        try:
            return api_diff.run(ROOT, args.against, sys.stdout)
        except api_diff.GitError as exc:
            print(f"api-diff: {exc}", file=sys.stderr)
            return 2
    try:
        if args.command == "generate":
            written = generate()
            print(f"generated {len(written)} files from openapi/base.yaml and overlays/")
            return 0
        problems = check()
    except OverlayError as exc:
        print(f"overlay error: {exc}", file=sys.stderr)
        return 2
    if problems:
        print("\n".join(problems))
        print(
            f"\n{len(problems)} generated file(s) differ from what the pipeline makes. "
            "Run `make generate` and commit; never edit generated files by hand.",
            file=sys.stderr,
        )
        return 1
    print("generated files are exactly what the pipeline makes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
