"""A Langflow flow as a script (what `lfx run` executes): Chat Input -> Attesta Approval -> Chat
Output. The chat message is the action's arguments; the component's decision is the reply."""

import importlib.util
import pathlib
import sys

from lfx.components.input_output import ChatInput, ChatOutput
from lfx.graph import Graph

_file = pathlib.Path(__file__).resolve().parent.parent / "components" / "attesta" / "attesta_approval.py"
_spec = importlib.util.spec_from_file_location("attesta_approval_flow", _file)
_module = importlib.util.module_from_spec(_spec)
# Langflow finds a component's source through its module, as for an installed component.
sys.modules[_spec.name] = _module
_spec.loader.exec_module(_module)

chat_input = ChatInput()
approval = _module.AttestaApprovalComponent()
approval.set(function_name="update_billing", risk_level="Auto (Score-based)", action_args=chat_input.message_response)
chat_output = ChatOutput()
chat_output.set(input_value=approval.evaluate_action)

graph = Graph(chat_input, chat_output)
