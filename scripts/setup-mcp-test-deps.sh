#!/usr/bin/env bash
# Installs the third-party MCP peers used by the attesta-mcp end-to-end tests:
# the official Python `mcp` package in a private virtualenv. Idempotent; safe to re-run.
# The tests look for the interpreter at $ATTESTA_MCP_PYTHON, else at the default venv below,
# and skip with a message pointing here when neither has `mcp` installed.
set -euo pipefail

VENV="${ATTESTA_MCP_VENV:-$HOME/.cache/attesta-mcp-venv}"
PY="${PYTHON:-python3}"

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import mcp' 2>/dev/null; then
    echo "attesta-mcp test deps: Python mcp already installed in $VENV"
    exit 0
fi

"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# Pinned to a major version so a breaking SDK release does not silently change the peer.
"$VENV/bin/python" -m pip install --quiet 'mcp>=1.9,<2'
"$VENV/bin/python" -c 'import mcp, importlib.metadata as m; print("attesta-mcp test deps: mcp", m.version("mcp"), "in '"$VENV"'")'
