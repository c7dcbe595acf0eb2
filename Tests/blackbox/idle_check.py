"""Opens a connection, sends nothing, and reports how long the server keeps it open (it must close it within 30 s)."""
import socket
import sys
import time

host, port = sys.argv[1], int(sys.argv[2])
sock = socket.create_connection((host, port), timeout=60)
start = time.monotonic()
try:
    data = sock.recv(1)
except (ConnectionResetError, socket.timeout):
    data = b""
elapsed = time.monotonic() - start
print(f"idle connection closed after {elapsed:.1f} s")
sys.exit(0 if data == b"" and elapsed <= 31.5 else 1)
