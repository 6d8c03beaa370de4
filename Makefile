# Every target is one line a reader can follow. `make install` builds .venv from uv.lock on a bare machine.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
RUN := $(UV) run --frozen --no-sync
SEED ?= 20260323

.PHONY: install generate check-generated api-diff upstream-diff lint format typecheck unit contract contract-live test bench emulator main clean docs release

$(UV):
	$(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv==$(UV_VERSION)

# Bytecode is compiled once here: machines that set PYTHONDONTWRITEBYTECODE otherwise recompile every
# module in each of the test suite's hundreds of subprocesses (a quarter of a `check` run's time).
install: $(UV)
	$(UV) sync --frozen --all-extras --compile-bytecode
	$(RUN) python -m compileall -q src generated emulator contract pytest_plugin > /dev/null

generate:
	$(RUN) python -m codegen generate

check-generated:
	$(RUN) python -m codegen check

# What the working tree breaks for users since the latest tag (else the last released CHANGELOG entry, else HEAD); AGAINST=<ref> to choose.
api-diff:
	$(RUN) python -m codegen api-diff $(if $(AGAINST),--against $(AGAINST))

# Downloaded HubSpot OpenAPI files against openapi/curated.yaml: FILES="a.json b.yaml" (exit 1: unexplained).
upstream-diff:
	$(RUN) python -m codegen upstream-diff $(FILES)

# The import rules of ARCHITECTURE.md first (import-linter, [tool.importlinter] in pyproject.toml); generated/
# is linted with the generator's own formatting (--isolated) and the rules that catch bugs.
lint:
	$(RUN) lint-imports --no-cache --no-logo && $(RUN) ruff check . && $(RUN) ruff format --check . && $(RUN) ruff check --isolated --select E,F,W,B,UP --ignore E501 generated && $(RUN) ruff format --isolated --check generated

format:
	$(RUN) ruff check --fix . && $(RUN) ruff format .

typecheck:
	$(RUN) mypy src generated/hubspot_associations_api emulator/hubspot_associations_emulator contract/hubspot_associations_contract pytest_plugin/hubspot_associations_pytest codegen tests contract_tests benchmarks

# Three workers on two cores: much of the suite waits on servers and subprocesses. A file's tests
# stay on one worker, so a module's servers, wheel and mutant runs are made once.
unit:
	$(RUN) pytest tests -q -n 3 --dist loadfile --junitxml=reports/unit.xml

# The shipped suite exactly as users run it (hubspot-associations check), then the repository's
# own checks of the generated client and of every release's strict spec.
contract:
	$(RUN) hubspot-associations check --junit reports/contract.xml
	$(RUN) pytest contract_tests -q -p no:cacheprovider --junitxml=reports/contract-repo.xml

# A sandbox portal: HUBSPOT_ACCESS_TOKEN, and HUBSPOT_CONTRACT_RECORDS + HUBSPOT_CONTRACT_ALLOW_WRITES=1 for writes.
contract-live:
	$(RUN) hubspot-associations check --live --junit reports/contract-live.xml

test: install lint typecheck check-generated api-diff docs unit contract

main: install generate contract

# The documentation site (MkDocs + mkdocstrings) into site/; --strict fails on a broken reference or a missing page.
docs:
	$(RUN) mkdocs build --strict

bench:
	$(RUN) python -m benchmarks

emulator:
	$(RUN) hubspot-associations-emulator serve --host 127.0.0.1 --port 8080

# Everything of a release but the tag and the upload (CONTRIBUTING.md, "Cutting a release"): a clean
# tree, __about__.py's version with a `## [x.y.z]` CHANGELOG heading and no tag yet, then sdist and
# wheel into dist/ and `twine check`; it prints the commands to tag and upload, and runs neither.
ABOUT := src/hubspot_associations/__about__.py
RELEASE_VERSION = $(shell sed -n 's/^__version__ = "\(.*\)"$$/\1/p' $(ABOUT))
release:
	@test -z "$$(git status --porcelain)" || { echo "release: the working tree is not clean (git status): commit or stash first" >&2; exit 1; }
	@test -n "$(RELEASE_VERSION)" || { echo "release: no __version__ = \"x.y.z\" line in $(ABOUT)" >&2; exit 1; }
	@grep -Eq '^## \[$(subst .,\.,$(RELEASE_VERSION))\]( |$$)' CHANGELOG.md || { echo "release: CHANGELOG.md has no '## [$(RELEASE_VERSION)] - YYYY-MM-DD' heading: move [Unreleased] there" >&2; exit 1; }
	@grep -Fq 'default: "hubspot-associations[contract]==$(RELEASE_VERSION)"' action.yml || { echo "release: action.yml's package default is not hubspot-associations[contract]==$(RELEASE_VERSION): set it with __version__ (a tag's Action installs its own release)" >&2; exit 1; }
	@grep -Fq ': "$${INPUT_PACKAGE=hubspot-associations[contract]==$(RELEASE_VERSION)}"' action/run.sh || { echo "release: action/run.sh's INPUT_PACKAGE default is not hubspot-associations[contract]==$(RELEASE_VERSION): set it as action.yml's (run.sh applies action.yml's defaults outside GitHub)" >&2; exit 1; }
	@! git rev-parse -q --verify "refs/tags/v$(RELEASE_VERSION)" >/dev/null || { echo "release: tag v$(RELEASE_VERSION) exists already: bump __version__ in $(ABOUT)" >&2; exit 1; }
	rm -rf dist && $(UV) build --out-dir dist
	$(RUN) twine check --strict dist/*
	@printf '%s\n' "hubspot-associations $(RELEASE_VERSION) is built and checked in dist/; next, by hand:" "  git tag -a v$(RELEASE_VERSION) -m 'hubspot-associations $(RELEASE_VERSION)'" "  git push --atomic origin HEAD v$(RELEASE_VERSION)" "  $(RUN) twine upload dist/hubspot_associations-$(RELEASE_VERSION).tar.gz dist/hubspot_associations-$(RELEASE_VERSION)-py3-none-any.whl"

clean:
	rm -rf .venv .tools reports .mypy_cache .ruff_cache .pytest_cache
