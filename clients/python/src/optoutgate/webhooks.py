"""Checking a webhook as the Standard Webhooks specification says (the same check as PyPI's standardwebhooks)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, Mapping, Union

from .errors import WebhookVerificationError

TOLERANCE_SECONDS = 5 * 60


def verify_webhook(secret: str, body: Union[bytes, str], headers: Mapping[str, str], *, now: float = 0.0) -> Any:
    """Returns the parsed payload when `webhook-signature` holds a v1 signature of `webhook-id.webhook-timestamp.body`
    made with the endpoint's secret and the timestamp is within five minutes; raises `WebhookVerificationError`."""
    lowered = {key.lower(): value for key, value in headers.items()}
    message_id, timestamp, signatures = lowered.get("webhook-id"), lowered.get("webhook-timestamp"), lowered.get("webhook-signature")
    if not message_id or not timestamp or not signatures:
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        sent = int(timestamp)
    except ValueError as error:
        raise WebhookVerificationError("webhook-timestamp is not a number") from error
    if abs((now or time.time()) - sent) > TOLERANCE_SECONDS:
        raise WebhookVerificationError("webhook-timestamp is too far from now")
    raw = body.encode() if isinstance(body, str) else body
    key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
    expected = base64.b64encode(hmac.new(key, f"{message_id}.{sent}.".encode() + raw, hashlib.sha256).digest()).decode()
    for candidate in signatures.split(" "):
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return json.loads(raw)
    raise WebhookVerificationError("no matching signature")
