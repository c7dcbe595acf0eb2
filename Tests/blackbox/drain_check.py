"""Starts slow requests (bcrypt sign-ups), sends SIGTERM mid-flight, and checks every request is answered and the server exits 0."""
import json
import os
import signal
import sys
import threading
import time
import urllib.request
import uuid

base, pid = sys.argv[1], int(sys.argv[2])
results = []


def sign_up():
    body = json.dumps({"email": f"drain-{uuid.uuid4().hex[:8]}@example.org", "password": "password123", "display_name": "D"}).encode()
    req = urllib.request.Request(base + "/v1/accounts", data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            results.append(response.status)
    except Exception as error:  # noqa: BLE001 - any failure is the finding
        results.append(repr(error))


threads = [threading.Thread(target=sign_up) for _ in range(4)]
for thread in threads:
    thread.start()
time.sleep(0.05)
os.kill(pid, signal.SIGTERM)
for thread in threads:
    thread.join()
print("in-flight requests during SIGTERM answered:", results)
sys.exit(0 if results == [201] * 4 else 1)
