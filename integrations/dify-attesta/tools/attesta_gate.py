from collections.abc import Generator
from typing import Any

from dify_plugin import Tool
from dify_plugin.entities.tool import ToolInvokeMessage

import attesta_dify
from attesta_dify import (
    build_context,
    evaluate,
    parse_action_args,
    parse_risk_level,
    parse_settings,
    run_evaluation,
    to_output,
)


class AttestaGateTool(Tool):
    """Evaluates an action through the Attesta pipeline and reports the decision as one JSON
    message: ``verdict``, ``risk_score``, ``risk_level``, ``denied``, ``audit_entry_id``,
    ``function_name`` and ``message``."""

    def _invoke(self, tool_parameters: dict[str, Any]) -> Generator[ToolInvokeMessage, None, None]:
        function_name = tool_parameters.get("function_name")
        if not isinstance(function_name, str) or not function_name.strip():
            raise ValueError("function_name is required: the name of the action to evaluate, e.g. send_email")
        function_name = function_name.strip()
        risk = parse_risk_level(tool_parameters.get("risk_level"))
        kwargs = parse_action_args(tool_parameters.get("action_args"))
        # Credentials were validated when saved; re-checked here because the tool must not run
        # with a threshold it cannot read (fail closed).
        settings = parse_settings(self.runtime.credentials)
        ctx = build_context(function_name, kwargs, settings.threshold)
        outcome = run_evaluation(
            lambda: evaluate(settings, ctx, risk),
            timeout=attesta_dify.EVALUATION_TIMEOUT_SECONDS,
            describe=f"'{function_name}'",
        )
        yield self.create_json_message(to_output(function_name, outcome))
