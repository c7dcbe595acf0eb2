"""Helpers the black-box scripts and tests share."""
import json
import socket


def free_port():
    """A loopback port nothing listens on now: never test whatever else already listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stored_answer(status, text):
    """An answer as stored and replayed: an error's request_id names the request it was given to, not the answer."""
    try:
        value = json.loads(text)
    except ValueError:
        return (status, text)
    if isinstance(value, dict) and isinstance(value.get("error"), dict):
        value["error"].pop("request_id", None)
    return (status, json.dumps(value, sort_keys=True))
