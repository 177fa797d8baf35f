"""Shared fixtures: every test runs in its own directory (its own `.attesta/`), with a fresh
process-wide default pipeline, and can reach the real `attesta` binary."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Callable, List

import pytest

import attesta._core


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("ATTESTA_CONFIG", "ATTESTA_ENV", "CI", "NODE_ENV", "RAILS_ENV", "APP_ENV", "ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    attesta._core._default = None
    yield tmp_path
    attesta._core._default = None


@pytest.fixture
def write_config(tmp_path) -> Callable[..., Path]:
    def write(text: str, name: str = "attesta.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


#: Challenges in tests should not make the suite sleep: no minimum review time unless a test
#: sets one.
FAST_POLICY = {"policy": {"minimum_review_seconds": {"low": 0, "medium": 0, "high": 0, "critical": 0}}}


def _find_binary() -> str:
    env = os.environ.get("ATTESTA_BIN")
    if env:
        return env
    root = Path(__file__).resolve().parents[3]
    for target in (os.environ.get("CARGO_TARGET_DIR"), str(root / "target")):
        if target and (Path(target) / "debug" / "attesta").is_file():
            return str(Path(target) / "debug" / "attesta")
    found = shutil.which("attesta")
    if found:
        return found
    raise RuntimeError("the attesta binary was not found: build it (cargo build -p attesta-cli) and set ATTESTA_BIN")


@pytest.fixture(scope="session")
def attesta_bin() -> Callable[..., subprocess.CompletedProcess]:
    binary = _find_binary()

    def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
        return subprocess.run([binary, *args], capture_output=True, text=True, cwd=cwd, timeout=60)

    return run


def pytest_sessionfinish(session, exitstatus):
    """With ATTESTA_NO_SKIP=1 (scripts/test-python.sh) a skipped test fails the run: every suite
    is meant to run somewhere, and nothing may be skipped silently."""
    if not os.environ.get("ATTESTA_NO_SKIP"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        names = ", ".join(getattr(r, "nodeid", "?") for r in skipped)
        if reporter:
            reporter.write_line(f"ATTESTA_NO_SKIP: {len(skipped)} test(s) skipped: {names}", red=True)
        session.exitstatus = 1
