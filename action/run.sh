#!/usr/bin/env bash
# The one script of the GitHub Action (action.yml): installs the package, builds the
# `hubspot-associations check` command line from the INPUT_* variables action.yml maps each
# input to, runs it, writes the step's outputs to $GITHUB_OUTPUT and exits with check's code.
#
# It runs the same outside GitHub, with action.yml's default for each INPUT_* left unset (the
# repository's tests run it against the built wheel); in a venv that has the package already:
#   INPUT_INSTALL=false INPUT_EXAMPLES=1 bash action/run.sh
#
# Exit codes are check's (0 held, 1 broken, 2 usage, 3 unreachable, 130 stopped); this script
# adds only 2, for an input it refuses (the message names the input and what to write instead)
# or a package it could not install.
#
# Never `set -x` here: INPUT_TOKEN holds a portal's token. It is handed to check in the
# environment only, never on a command line, and never printed.
set -eu

hubspot_api=https://api.hubapi.com

refuse() {
    echo "::error title=hubspot-associations action::$1" >&2
    output exit-code 2
    exit 2
}

output() {
    # One `name=value` line per output (values here hold no newline).
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
    fi
}

# A true/false input, as workflow YAML writes it; anything else is refused.
flag() {
    case "$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')" in
        true | yes | 1) echo true ;;
        false | no | 0 | "") echo false ;;
        *) refuse "input $1 is '$2': write true or false" ;;
    esac
}

# action.yml's default of each input, for a variable that is unset (run.sh outside GitHub); a
# runner sets every one, an input given as '' included, which stays empty. tests/test_action.py
# holds these lines equal to action.yml's defaults: change both together.
: "${INPUT_MODE=embedded}"
: "${INPUT_BASE_URL=}"
: "${INPUT_TOKEN=}"
: "${INPUT_CONTROL_TOKEN=}"
: "${INPUT_RECORDS=}"
: "${INPUT_ALLOW_WRITES=false}"
: "${INPUT_API_VERSION=v4}"
: "${INPUT_EXAMPLES=}"
: "${INPUT_SEED=}"
: "${INPUT_JUNIT=hubspot-contract.xml}"
: "${INPUT_REPORT_DIR=hubspot-contract}"
: "${INPUT_BASELINE=}"
: "${INPUT_FAIL_ON_REPORT=false}"
: "${INPUT_OPERATIONS=}"
: "${INPUT_EXCLUDE_OPERATIONS=}"
: "${INPUT_RULES=}"
: "${INPUT_EXCLUDE_RULES=}"
: "${INPUT_PACKAGE=hubspot-associations[contract]==0.1.0}"
: "${INPUT_INSTALL=true}"

mode="$INPUT_MODE"
base_url="$INPUT_BASE_URL"
token="$INPUT_TOKEN"
control_token="$INPUT_CONTROL_TOKEN"
package="$INPUT_PACKAGE"
junit="$INPUT_JUNIT"
report_dir="$INPUT_REPORT_DIR"
install="$(flag install "$INPUT_INSTALL")"
fail_on_report="$(flag fail-on-report "$INPUT_FAIL_ON_REPORT")"
allow_writes="$(flag allow-writes "$INPUT_ALLOW_WRITES")"

case "$mode" in
    embedded)
        [ -z "$base_url" ] || refuse "input base-url is for mode base-url or live, not embedded (the embedded emulator starts on its own address): remove base-url or set mode"
        ;;
    base-url)
        [ -n "$base_url" ] || refuse "mode base-url needs input base-url: the URL of the emulator the job started (e.g. http://127.0.0.1:8080)"
        ;;
    live)
        [ -n "$token" ] || refuse "mode live needs input token, mapped from a secret: token: \${{ secrets.HUBSPOT_SANDBOX_TOKEN }}"
        ;;
    *)
        refuse "input mode is '$mode': write embedded (the emulator inside the check), base-url (an emulator the job started; set base-url) or live (a portal; set token)"
        ;;
esac
if [ "$mode" != base-url ] && [ -n "$control_token" ]; then
    refuse "input control-token is for mode base-url (the control API of an emulator the job started): remove it or set mode: base-url"
fi
if [ "$mode" != live ] && { [ -n "$INPUT_RECORDS" ] || [ "$allow_writes" = true ]; }; then
    refuse "inputs records and allow-writes are for mode live (the emulator modes write everything anyway): remove them or set mode: live"
fi

python="$(command -v python3 || command -v python || true)"
[ -n "$python" ] || refuse "no python3 on PATH: keep input python-version, or run actions/setup-python before this action"

if [ "$install" = true ]; then
    [ -n "$package" ] || refuse "input package is empty: name what to install (e.g. hubspot-associations[contract]==X.Y.Z), or set install: false"
    echo "installing $package into $python"
    "$python" -m pip install --disable-pip-version-check "$package" \
        || refuse "pip could not install '$package' (its output is above): check input package"
elif ! "$python" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("hubspot_associations_contract") is None)'; then
    refuse "install is false but $python has no hubspot-associations[contract]: install it in an earlier step or set install: true"
fi

# A live run's target is the base-url input or HubSpot, always named on the command line: check
# would otherwise take HUBSPOT_BASE_URL, and send the portal's token wherever a job points it.
target=""
case "$mode" in
    base-url) target="$base_url" ;;
    live) target="${base_url:-$hubspot_api}" ;;
esac
args=(check)
[ "$mode" != live ] || args+=(--live)
[ -z "$target" ] || args+=(--base-url "$target")
[ -z "$INPUT_API_VERSION" ] || args+=(--api-version "$INPUT_API_VERSION")
[ -z "$INPUT_EXAMPLES" ] || args+=(--examples "$INPUT_EXAMPLES")
[ -z "$INPUT_SEED" ] || args+=(--seed "$INPUT_SEED")
[ -z "$junit" ] || args+=(--junit "$junit")
[ -z "$report_dir" ] || args+=(--report-dir "$report_dir")
[ -z "$INPUT_BASELINE" ] || args+=(--baseline "$INPUT_BASELINE")
[ "$fail_on_report" = false ] || args+=(--fail-on-report)

# The selection inputs are lists: words separated by spaces, commas or new lines.
add_each() {
    local option="$1" word
    set -f # an operation or rule is a word, never a file pattern
    for word in $(printf '%s' "$2" | tr ',\n\t' '   '); do
        args+=("$option" "$word")
    done
    set +f
}
add_each --operation "$INPUT_OPERATIONS"
add_each --exclude-operation "$INPUT_EXCLUDE_OPERATIONS"
add_each --rule "$INPUT_RULES"
add_each --exclude-rule "$INPUT_EXCLUDE_RULES"

# The inputs are the check's only settings: the job's HUBSPOT_* variables (a HUBSPOT_BASE_URL or
# HUBSPOT_ACCESS_TOKEN set for other steps, records, writes, a seed, a selection) never reach it,
# so none can redirect the token or change what is judged. Kept: the client's pace and log, and
# where live runs keep their ledgers, which change neither target nor verdicts.
ignored=()
for variable in $(compgen -e); do
    case "$variable" in
        HUBSPOT_ASSOCIATIONS_RATE_LIMIT | HUBSPOT_ASSOCIATIONS_LOG | HUBSPOT_CONTRACT_STATE_DIR) ;;
        HUBSPOT_*)
            ignored+=("$variable")
            unset "$variable"
            ;;
    esac
done
if [ "${#ignored[@]}" -gt 0 ]; then
    # Names only: a value may be a token.
    echo "::notice title=hubspot-associations action::not used: the job's ${ignored[*]} (the Action's inputs are its only settings: base-url, token, records, allow-writes, seed, operations...)"
fi
# The token reaches check in its environment, the only place check reads it.
if [ -n "$token" ] && [ "$mode" != embedded ]; then
    export HUBSPOT_ACCESS_TOKEN="$token"
fi
# The control token too (never on the command line the log shows).
[ -z "$control_token" ] || export HUBSPOT_EMULATOR_CONTROL_TOKEN="$control_token"
if [ "$mode" = live ]; then
    [ -z "$INPUT_RECORDS" ] || export HUBSPOT_CONTRACT_RECORDS="$INPUT_RECORDS"
    [ "$allow_writes" = false ] || export HUBSPOT_CONTRACT_ALLOW_WRITES=1
fi

echo "hubspot-associations ${args[*]}"
code=0
"$python" -c 'import sys; from hubspot_associations.cli import main; sys.exit(main())' "${args[@]}" \
    || code=$?

if [ "$code" = 3 ] && [ -n "$target" ]; then
    # check's own message names HUBSPOT_ACCESS_TOKEN, which this Action sets from its input.
    if [ "$mode" = live ]; then
        what="the portal's private-app token with the crm.objects.*.read/write scopes, mapped from a secret (token: \${{ secrets.HUBSPOT_SANDBOX_TOKEN }}); the target is input base-url (empty: $hubspot_api)"
    else
        what="the token the emulator was started with (its --token; empty: the emulator's default), and input control-token for its --control-token; the target is input base-url"
    fi
    echo "::error title=hubspot-associations action::check exited 3: $target is unreachable or refused the token (check's message above says which). In this Action the token is input token, not HUBSPOT_ACCESS_TOKEN: $what" >&2
fi

output exit-code "$code"
output junit "$junit"
output report-dir "$report_dir"
exit "$code"
