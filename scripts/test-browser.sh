#!/usr/bin/env bash
# Browser suite of the web inbox: the real `attesta serve` binary driven through Debian's
# chromium with playwright-core (node's built-in test runner). Installs chromium (apt) and the
# pinned npm dependencies (npm ci) when missing, builds the binary if needed, and fails (never
# skips) when anything is missing. Never downloads browsers from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }
SUITE=crates/attesta-server/web-tests

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
if [ ! -x /usr/bin/chromium ]; then
  step "installing chromium (apt-get)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  step "installing Node.js and npm (apt-get)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
node -e 'const [a]=process.versions.node.split(".").map(Number); if (a < 20) { console.error("node >= 20 is needed for the browser tests, found " + process.version); process.exit(1); }'

step "npm ci ($SUITE, playwright-core pinned by package-lock.json)"
# The npm cache lives outside the clone so repeated runs do not download again; playwright-core
# needs no browser download (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD keeps it that way).
export npm_config_cache="${npm_config_cache:-$HOME/.cache/attesta-npm}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
(cd "$SUITE" && npm ci --no-audit --no-fund --loglevel=error)

step "building the attesta binary"
cargo build -p attesta-cli --bin attesta --quiet
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
export ATTESTA_BIN="$TARGET_DIR/debug/attesta"
export ATTESTA_CHROMIUM=/usr/bin/chromium

step "browser tests (node --test, chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'))"
cd "$SUITE"
node --test --test-concurrency=1 tests/
