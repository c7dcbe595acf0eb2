"""Errors carrying the API's own error code."""
from __future__ import annotations

from typing import Any, Optional


class OptOutGateError(Exception):
    """Any error the client raises."""


class APIError(OptOutGateError):
    """The API answered with an error: `{"error": {"code", "message", "field"?, "request_id"}}`."""

    def __init__(self, status: int, code: str, message: str, field: Optional[str] = None, request_id: Optional[str] = None,
                 body: Optional[Any] = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.request_id = request_id
        self.body = body


class PromptBlocked(APIError):
    """The prompt names an artist who opted out (`prompt_blocked`), or is built to overload the gate (`prompt_too_complex`)."""


class QuotaExhausted(APIError):
    """The month's prompts are used and overage is off (402 `quota_exhausted`)."""


class Unauthorized(APIError):
    """No credential, or an unknown, expired or revoked one (401)."""


class Forbidden(APIError):
    """The credential may not do this (403): an API key without the scope, or another owner's object."""


class NotFound(APIError):
    """404."""


class RateLimited(APIError):
    """429: `retry_after` seconds to wait."""

    retry_after: Optional[float] = None


class TransportError(OptOutGateError):
    """The server could not be reached, or did not answer in time, after the retries allowed."""


class WebhookVerificationError(OptOutGateError):
    """A webhook's signature, id or timestamp does not check out."""


def from_response(status: int, body: Any, headers: Any) -> APIError:
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code", f"http_{status}") if isinstance(error, dict) else f"http_{status}"
    message = error.get("message", f"The server answered {status}.") if isinstance(error, dict) else f"The server answered {status}."
    field = error.get("field") if isinstance(error, dict) else None
    request_id = (error.get("request_id") if isinstance(error, dict) else None) or headers.get("x-request-id")
    kind: type[APIError] = APIError
    if code in ("prompt_blocked", "prompt_too_complex"):
        kind = PromptBlocked
    elif status == 402:
        kind = QuotaExhausted
    elif status == 401:
        kind = Unauthorized
    elif status == 403:
        kind = Forbidden
    elif status == 404:
        kind = NotFound
    elif status == 429:
        kind = RateLimited
    exception = kind(status, code, message, field, request_id, body)
    if isinstance(exception, RateLimited):
        try:
            exception.retry_after = float(headers.get("retry-after", ""))
        except ValueError:
            exception.retry_after = None
    return exception
