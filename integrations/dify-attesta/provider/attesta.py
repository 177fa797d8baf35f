from typing import Any

from dify_plugin import ToolProvider
from dify_plugin.errors.tool import ToolProviderCredentialValidationError

from attesta_dify import CredentialError, check_server, parse_settings


class AttestaProvider(ToolProvider):
    def _validate_credentials(self, credentials: dict[str, Any]) -> None:
        """Risk Threshold must be a number in [0, 1]; an approval server, when given, must be
        reachable and accept the Agent Token as an agent."""
        try:
            settings = parse_settings(credentials)
            check_server(settings)
        except CredentialError as error:
            raise ToolProviderCredentialValidationError(str(error)) from None
