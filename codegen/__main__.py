"""Command line: ``python -m codegen generate`` or ``python -m codegen check``."""

from __future__ import annotations

import argparse
import sys

from codegen.overlay import OverlayError
from codegen.pipeline import check, generate


def main(argv: list[str] | None = None) -> int:
    """Run the generation pipeline, or check that committed files match it."""
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument("command", choices=["generate", "check"])
    args = parser.parse_args(argv)
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
