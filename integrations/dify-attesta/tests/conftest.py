"""Fixtures: the plugin directory on sys.path (as Dify runs it: `python -m main` in that
directory), a private audit log per test, and a real approval server (`attesta serve`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

PLUGIN_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = PLUGIN_DIR.parent.parent
for _path in (PLUGIN_DIR, PLUGIN_DIR.parent):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from approval_server_helper import ApprovalServer, attesta_bin, free_port  # noqa: E402,F401 (re-exported to the tests)


@pytest.fixture(autouse=True)
def audit_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test writes its own audit log (the plugin reads ATTESTA_AUDIT_PATH)."""
    path = tmp_path / "audit" / "audit.jsonl"
    monkeypatch.setenv("ATTESTA_AUDIT_PATH", str(path))
    monkeypatch.delenv("ATTESTA_CONFIG", raising=False)
    monkeypatch.delenv("ATTESTA_AGENT_TOKEN", raising=False)
    return path


def audit_entries(path: Path) -> list:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def audit_entry(path: Path, entry_id: str) -> Dict[str, Any]:
    for entry in audit_entries(path):
        if entry.get("entry_id") == entry_id or entry.get("id") == entry_id:
            return entry
    raise AssertionError(f"no audit entry {entry_id} in {path}")


def verify_audit(path: Path) -> Dict[str, Any]:
    """`attesta audit verify --json` on the log: the chain must be intact."""
    done = subprocess.run(
        [attesta_bin(), "audit", "verify", "--json", "--log", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"attesta audit verify failed ({done.returncode}): {done.stdout}{done.stderr}"
    return json.loads(done.stdout)


@pytest.fixture
def approval_server(tmp_path: Path) -> Iterator[ApprovalServer]:
    workdir = tmp_path / "server"
    workdir.mkdir()
    server = ApprovalServer(workdir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


