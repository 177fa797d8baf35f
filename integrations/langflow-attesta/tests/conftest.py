"""Fixtures: the component loaded from its file (as Langflow loads custom components), a private
audit log per test, and the `attesta` binary for verifying the log."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, Iterator, List

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
from approval_server_helper import ApprovalServer, attesta_bin  # noqa: E402

COMPONENTS_DIR = Path(__file__).resolve().parent.parent / "components"
COMPONENT_FILE = COMPONENTS_DIR / "attesta" / "attesta_approval.py"


def load_component_module() -> ModuleType:
    module = sys.modules.get("attesta_approval_component")
    if module is None:
        spec = importlib.util.spec_from_file_location("attesta_approval_component", COMPONENT_FILE)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


@pytest.fixture
def component_module() -> ModuleType:
    return load_component_module()


@pytest.fixture(autouse=True)
def audit_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "audit" / "audit.jsonl"
    monkeypatch.setenv("ATTESTA_AUDIT_PATH", str(path))
    monkeypatch.delenv("ATTESTA_CONFIG", raising=False)
    return path


def audit_entries(path: Path) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def audit_entry(path: Path, entry_id: str) -> Dict[str, Any]:
    for entry in audit_entries(path):
        if entry.get("entry_id") == entry_id:
            return entry
    raise AssertionError(f"no audit entry {entry_id} in {path}")


def verify_audit(path: Path) -> None:
    done = subprocess.run([attesta_bin(), "audit", "verify", "--log", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def local_flow_runner() -> Any:
    """lfx's in-process flow runner. Built here rather than taken from the `flow_runner` fixture:
    langflow_sdk (installed with lfx) registers a fixture of the same name that only runs against
    a live Langflow server and skips otherwise."""
    from lfx.testing.runners import LocalFlowRunner

    return LocalFlowRunner(default_timeout=120, base_dir=Path(__file__).resolve().parent)


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
