#!/usr/bin/env bash
# The no-code integrations: the Dify plugin (integrations/dify-attesta) against the real
# dify_plugin SDK and the Langflow component (integrations/langflow-attesta) against the real lfx
# package, both on the attesta package built from source. Called by scripts/test.sh after
# scripts/test-python.sh, whose wheel it reuses (it builds one only when that wheel is missing or
# older than the sources). Idempotent: virtualenvs live under $HOME/.cache and are only topped up.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}
WHEELS=${ATTESTA_PY_WHEELS:-$CACHE/attesta-py-wheels}
DIFY_VENV=$CACHE/attesta-dify-venv
LANGFLOW_VENV=$CACHE/attesta-langflow-venv
PYTHON=${PYTHON:-python3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export PIP_DISABLE_PIP_VERSION_CHECK=1
# Langflow's runtime must not phone home from tests.
export DO_NOT_TRACK=true LANGFLOW_DO_NOT_TRACK=true

step() { printf '\n==> %s\n' "$*" >&2; }

ensure_venv() { # path requirements-file
    if [ ! -x "$1/bin/python" ]; then
        "$PYTHON" -m venv "$1"
        "$1/bin/pip" install -q --upgrade pip
    fi
    local stamp="$1/.attesta-requirements.sha256" want
    want=$(sha256sum "$2" | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        "$1/bin/pip" install -q -r "$2"
        echo "$want" > "$stamp"
    fi
}

step "integrations: virtualenvs ($DIFY_VENV, $LANGFLOW_VENV)"
ensure_venv "$DIFY_VENV" integrations/dify-attesta/requirements-test.txt
ensure_venv "$LANGFLOW_VENV" integrations/langflow-attesta/requirements-test.txt

step "integrations: the attesta binary (approval server, audit verification)"
cargo build --quiet -p attesta-cli --bin attesta
export ATTESTA_BIN=$CARGO_TARGET_DIR/debug/attesta

step "integrations: the attesta wheel ($WHEELS)"
wheel=$(ls -t "$WHEELS"/attesta-*.whl 2>/dev/null | head -n1 || true)
if [ -n "$wheel" ] && [ -z "$(find crates/attesta-py crates/attesta crates/attesta-core Cargo.lock \
        -path '*/target' -prune -o -type f -newer "$wheel" -print 2>/dev/null | head -n1)" ]; then
    echo "reusing $wheel" >&2
else
    rm -rf "$WHEELS" && mkdir -p "$WHEELS"
    # Same build as scripts/test-python.sh (dev profile: tests do not need an optimised build).
    MATURIN_PEP517_ARGS="--profile dev" "$DIFY_VENV/bin/pip" wheel --quiet --no-deps --wheel-dir "$WHEELS" crates/attesta-py
    wheel=$(ls "$WHEELS"/attesta-*.whl)
fi
for venv in "$DIFY_VENV" "$LANGFLOW_VENV"; do
    "$venv/bin/pip" install --quiet --force-reinstall --no-deps "$wheel"
done

# A new session (setsid): no controlling terminal, as in CI. pytest's exit code 5 ("no tests
# collected") fails like any other non-zero code; skips are refused by the summary check.
run_pytest() { # venv dir
    local log
    log=$(mktemp)
    local status=0
    (cd "$2" && setsid -w "$1/bin/python" -m pytest -p no:cacheprovider -q -rs tests) 2>&1 | tee "$log" || status=$?
    if [ "$status" -ne 0 ]; then rm -f "$log"; return "$status"; fi
    if grep -Eq '[0-9]+ skipped' "$log"; then
        echo "integrations: tests were skipped in $2; every test must run" >&2
        rm -f "$log"; return 1
    fi
    rm -f "$log"
}

step "integrations: Dify plugin (dify_plugin SDK, approval server)"
run_pytest "$DIFY_VENV" integrations/dify-attesta

step "integrations: Langflow component (lfx)"
run_pytest "$LANGFLOW_VENV" integrations/langflow-attesta

step "integrations: .difypkg package"
scripts/build-dify-plugin.sh >/dev/null
