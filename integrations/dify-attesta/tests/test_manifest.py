"""The plugin's YAML files against the dify_plugin SDK's own models, and the whole plugin loaded
the way the plugin runtime loads it (PluginRegistration, from the plugin directory)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
import subprocess
from pathlib import Path

import pytest
import yaml
from dify_plugin import DifyPluginEnv
from dify_plugin.core.entities.plugin.setup import PluginConfiguration
from dify_plugin.core.plugin_registration import PluginRegistration
from dify_plugin.entities.provider_config import ProviderConfig
from dify_plugin.entities.tool import ToolParameter, ToolProviderConfiguration

from conftest import PLUGIN_DIR, REPO_ROOT

LLM_DESCRIPTION = (
    "A human-in-the-loop approval tool that evaluates AI agent actions for risk before execution. "
    "Use this tool to check whether a proposed action should be allowed."
)


def load(relative: str) -> dict:
    return yaml.safe_load((PLUGIN_DIR / relative).read_text())


@pytest.fixture
def in_plugin_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    # Provider files name their tools relative to the plugin directory, as the runtime sees them.
    monkeypatch.chdir(PLUGIN_DIR)
    return PLUGIN_DIR


def test_manifest_values() -> None:
    manifest = PluginConfiguration(**load("manifest.yaml"))
    assert manifest.version == "0.0.1"
    assert manifest.type.value == "plugin"
    assert manifest.author == "attesta"
    assert manifest.name == "attesta"
    assert manifest.label.en_US == "Attesta"
    assert manifest.description.en_US == "Human-in-the-loop approval for AI agent actions"
    assert manifest.icon == "icon.svg"
    assert manifest.resource.memory == 268435456
    assert manifest.resource.permission.tool.enabled is True
    assert manifest.resource.permission.endpoint.enabled is False
    assert manifest.plugins.tools == ["provider/attesta.yaml"]
    assert manifest.meta.runner.language.value == "python"
    assert manifest.meta.runner.entrypoint == "main"
    assert (PLUGIN_DIR / f"{manifest.meta.runner.entrypoint}.py").is_file()


def test_provider_and_tool_yaml(in_plugin_dir: Path) -> None:
    provider = ToolProviderConfiguration(**load("provider/attesta.yaml"))
    assert provider.identity.name == "attesta"
    assert provider.identity.author == "attesta"
    assert provider.extra.python.source == "provider/attesta.py"
    credentials = {c.name: c for c in provider.credentials_schema}
    assert list(credentials) == ["risk_threshold", "approval_server_url", "agent_token"]

    threshold = credentials["risk_threshold"]
    assert threshold.required is False
    assert float(threshold.default) == 0.5
    assert threshold.placeholder.en_US == "0.5"
    assert threshold.label.en_US == "Risk Threshold"
    assert credentials["approval_server_url"].required is False
    assert credentials["agent_token"].required is False
    assert credentials["agent_token"].type is ProviderConfig.Config.SECRET_INPUT

    [tool] = provider.tools
    assert tool.identity.name == "attesta_gate"
    assert tool.identity.label.en_US == "Attesta Approval"
    assert tool.description.llm == LLM_DESCRIPTION
    assert tool.extra.python.source == "tools/attesta_gate.py"
    params = {p.name: p for p in tool.parameters}
    assert list(params) == ["function_name", "risk_level", "action_args"]

    form = ToolParameter.ToolParameterForm
    kind = ToolParameter.ToolParameterType
    assert (params["function_name"].type, params["function_name"].form, params["function_name"].required) == (kind.STRING, form.LLM, True)
    assert (params["action_args"].type, params["action_args"].form, params["action_args"].required) == (kind.STRING, form.LLM, False)
    risk = params["risk_level"]
    assert (risk.type, risk.form, risk.required, risk.default) == (kind.SELECT, form.FORM, False, "auto")
    assert [(o.value, o.label.en_US) for o in risk.options] == [
        ("auto", "Auto (Score-based)"),
        ("low", "Low"),
        ("medium", "Medium"),
        ("high", "High"),
        ("critical", "Critical"),
    ]


def test_the_runtime_loads_the_plugin(in_plugin_dir: Path) -> None:
    """What `python -m main` does at start: manifest, providers, tools, classes and assets."""
    registration = PluginRegistration(DifyPluginEnv())
    provider_config, provider_cls, tools = registration.tools_mapping["attesta"]
    assert provider_cls.__name__ == "AttestaProvider"
    tool_config, tool_cls = tools["attesta_gate"]
    assert tool_cls.__name__ == "AttestaGateTool"
    assert tool_config.description.llm == LLM_DESCRIPTION
    assets = {asset.filename: asset.data for asset in registration.files}
    assert "icon.svg" in assets
    svg = ET.fromstring(assets["icon.svg"])
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"


def test_requirements_and_entrypoint() -> None:
    requirements = (PLUGIN_DIR / "requirements.txt").read_text().split()
    assert any(r.startswith("dify_plugin") for r in requirements)
    assert any(r.startswith("attesta") for r in requirements)
    main = (PLUGIN_DIR / "main.py").read_text()
    assert "Plugin(DifyPluginEnv(" in main and "plugin.run()" in main


def test_difypkg_honours_difyignore(tmp_path: Path) -> None:
    out = tmp_path / "attesta.difypkg"
    done = subprocess.run(
        [str(REPO_ROOT / "scripts" / "build-dify-plugin.sh"), str(out)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        manifest = yaml.safe_load(z.read("manifest.yaml"))
    for required in (
        "manifest.yaml",
        "main.py",
        "requirements.txt",
        "_assets/icon.svg",
        "provider/attesta.yaml",
        "provider/attesta.py",
        "tools/attesta_gate.yaml",
        "tools/attesta_gate.py",
        "attesta_dify.py",
        "README.md",
    ):
        assert required in names, f"{required} missing from the package"
    # .difyignore: the tests and caches stay out.
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n or n.endswith(".pyc")]
    assert "requirements-test.txt" not in names
    assert manifest["version"] == "0.0.1"
    # Every file of the plugin directory that .difyignore does not list is in the package.
    on_disk = {
        str(p.relative_to(PLUGIN_DIR))
        for p in PLUGIN_DIR.rglob("*")
        if p.is_file() and "tests" not in p.parts and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
        and ".pytest_cache" not in p.parts and ".attesta" not in p.parts and p.name != "requirements-test.txt"
    }
    assert on_disk == names


def test_difyignore_patterns(tmp_path: Path) -> None:
    """The ignore rules the build script implements (gitignore syntax), on a scratch plugin."""
    plugin = tmp_path / "plugin"
    for rel in ("manifest.yaml", "main.py", "requirements.txt", "keep.log", "x.log", "deep/a/x.log", "build/out.bin", "docs/build/keep.txt", "notes/secret.txt"):
        path = plugin / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rel)
    (plugin / "manifest.yaml").write_text("version: 9.9.9\n")
    (plugin / ".difyignore").write_text("# comment\n*.log\n!keep.log\n/build/\nnotes/secret.txt\n")
    script = (REPO_ROOT / "scripts" / "build-dify-plugin.sh").read_text()
    # Run the script's packer on the scratch directory: same code, another plugin root.
    patched = tmp_path / "build.sh"
    patched.write_text(script.replace('PLUGIN=$ROOT/integrations/dify-attesta', f'PLUGIN={plugin}'))
    patched.chmod(0o755)
    out = tmp_path / "x.difypkg"
    done = subprocess.run(["bash", str(patched), str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    names = set(zipfile.ZipFile(out).namelist())
    assert names == {".difyignore", "manifest.yaml", "main.py", "requirements.txt", "keep.log", "docs/build/keep.txt"}
