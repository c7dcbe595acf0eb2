"""Helpers the black-box scripts and tests share."""
import json
import random
import socket


def free_port():
    """A loopback port nothing listens on now: never test whatever else already listens.

    Taken below the kernel's ephemeral range, never from it: a client that polls a port of that range before the server
    listens can be given that very port as its own source port and connect to itself (TCP's simultaneous open), reading
    its own request back as the answer and holding the port the server then cannot bind."""
    try:
        low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    for _ in range(200):
        port = random.randint(10_000, max(low - 1, 10_001))
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port below the ephemeral range")


if __name__ == "__main__":
    print(free_port())


def stored_answer(status, text):
    """An answer as stored and replayed: an error's request_id names the request it was given to, not the answer."""
    try:
        value = json.loads(text)
    except ValueError:
        return (status, text)
    if isinstance(value, dict) and isinstance(value.get("error"), dict):
        value["error"].pop("request_id", None)
    return (status, json.dumps(value, sort_keys=True))
