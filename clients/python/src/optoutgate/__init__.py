"""OptOutGate's Python client: `Client(url, api_key=key).check(prompt).allowed`."""
from ._client import AsyncClient, Client, Export
from .errors import (APIError, Forbidden, NotFound, OptOutGateError, PromptBlocked, QuotaExhausted, RateLimited, TransportError,
                     Unauthorized, WebhookVerificationError)
from .models import CheckResult, Generation, LabelCheck, LookupResult, Match, Takedown
from .webhooks import verify_webhook

__all__ = [
    "APIError", "AsyncClient", "CheckResult", "Client", "Export", "Forbidden", "Generation", "LabelCheck", "LookupResult", "Match",
    "NotFound", "OptOutGateError", "PromptBlocked", "QuotaExhausted", "RateLimited", "Takedown", "TransportError", "Unauthorized",
    "WebhookVerificationError", "verify_webhook",
]
__version__ = "1.0.0"
