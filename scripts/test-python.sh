#!/usr/bin/env bash
# The Python package (crates/attesta-py): builds it from source the way users install it
# (`pip install ./crates/attesta-py`, only PyPI and crates.io) and runs its tests against the real
# framework packages. Called by scripts/test.sh; runs on its own too. Idempotent: virtualenvs live
# under $HOME/.cache and are only topped up.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY_CRATE=$ROOT/crates/attesta-py
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}
VENV=$CACHE/attesta-venv
CREWAI_VENV=$CACHE/attesta-crewai-venv
WHEELS=$CACHE/attesta-py-wheels
PYTHON=${PYTHON:-python3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export PIP_DISABLE_PIP_VERSION_CHECK=1
# CrewAI and the Agents SDK must not try to phone home from tests.
export CREWAI_DISABLE_TELEMETRY=true OTEL_SDK_DISABLED=true CREWAI_TRACING_ENABLED=false

step() { printf '\n==> %s\n' "$*" >&2; }

ensure_venv() { # path requirements-file
    if [ ! -x "$1/bin/python" ]; then
        "$PYTHON" -m venv "$1"
        "$1/bin/pip" install -q --upgrade pip
    fi
    # A marker with the requirements' hash makes re-runs skip pip entirely.
    local stamp="$1/.attesta-requirements.sha256"
    local want
    want=$(sha256sum "$2" | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        "$1/bin/pip" install -q -r "$2"
        echo "$want" > "$stamp"
    fi
}

# Debian splits venv support out of the interpreter package.
if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    step "python: installing python3-venv (apt-get)"
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3-venv
fi

step "python: virtualenvs ($VENV, $CREWAI_VENV)"
ensure_venv "$VENV" "$PY_CRATE/requirements-test.txt"
ensure_venv "$CREWAI_VENV" "$PY_CRATE/requirements-crewai.txt"

step "python: the attesta binary (tests verify Python-written audit logs with it)"
cargo build --quiet -p attesta-cli --bin attesta
export ATTESTA_BIN=$CARGO_TARGET_DIR/debug/attesta

step "python: build the package from source (pip wheel ./crates/attesta-py)"
rm -rf "$WHEELS" && mkdir -p "$WHEELS"
# The same PEP 517 build `pip install ./crates/attesta-py` runs (maturin fetched from PyPI into an
# isolated environment), in cargo's dev profile: the tests check behaviour, and a release build
# would cost CI minutes (the benchmark in docs/benchmarks.md uses a release build).
echo "Compiling the Rust core of the Python package (cargo, dev profile; a few minutes on 2 cores, seconds when cached)..."
started=$SECONDS
MATURIN_PEP517_ARGS="--profile dev" "$VENV/bin/pip" wheel --quiet --no-deps --wheel-dir "$WHEELS" "$PY_CRATE"
echo "Rust core compiled in $((SECONDS - started)) s"
wheel=$(ls "$WHEELS"/attesta-*.whl)
for venv in "$VENV" "$CREWAI_VENV"; do
    "$venv/bin/pip" install --quiet --force-reinstall --no-deps "$wheel"
done

# Tests run in a new session (setsid): with no controlling terminal the default reviewer is the
# non-interactive one, as in CI, whatever terminal this script was started from.
# Every test must run: a skip is a failure here (ATTESTA_NO_SKIP), and pytest's exit code 5
# ("no tests collected") fails the script like any other non-zero code.
export ATTESTA_NO_SKIP=1
cd "$PY_CRATE"

step "python: type check of the package and its extension stubs (mypy, stubtest)"
"$VENV/bin/python" -m mypy --ignore-missing-imports --no-incremental python/attesta
# The hand-written stubs of the extension must match what it really exports.
"$VENV/bin/python" -m mypy.stubtest attesta._native

step "python: package, seeds and integrations (LangChain, LangGraph, OpenAI Agents, Anthropic, MCP 2.x)"
setsid -w "$VENV/bin/python" -m pytest -p no:cacheprovider -q --ignore=tests/test_crewai.py tests

step "python: CrewAI and MCP 1.x (separate virtualenv)"
setsid -w "$CREWAI_VENV/bin/python" -m pytest -p no:cacheprovider -q tests/test_crewai.py tests/test_mcp.py
