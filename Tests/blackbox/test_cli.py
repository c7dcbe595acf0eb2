"""The optout-gate command line, as operators and scripts call it."""
import json
import os
import re
import sqlite3
import subprocess
import tempfile

import pytest

from conftest import request

BIN = os.environ.get("OPTOUT_BIN", ".build/debug/optout-gate")
SERVER_DATA = os.environ.get("OPTOUT_SERVER_DATA")


def run(*args, stdin=None, env=None):
    return subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


@pytest.fixture
def data_dir():
    with tempfile.TemporaryDirectory() as directory:
        yield directory


def test_migrate_creates_the_database_in_wal_mode(data_dir):
    result = run("migrate", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    assert "registry version 0" in result.stdout
    connection = sqlite3.connect(os.path.join(data_dir, "optout.sqlite"))
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"account", "session", "api_key", "artist", "phrase", "registry_state"} <= tables


def test_create_moderator_reads_the_password_from_env_or_stdin(data_dir):
    from_env = run("create-moderator", "--data-dir", data_dir, "--email", "mod@example.org", env={"OPTOUT_PASSWORD": "moderator password"})
    assert from_env.returncode == 0, from_env.stderr
    from_stdin = run("create-moderator", "--data-dir", data_dir, "--email", "mod2@example.org", stdin="another password\n")
    assert from_stdin.returncode == 0, from_stdin.stderr
    roles = dict(sqlite3.connect(os.path.join(data_dir, "optout.sqlite")).execute("SELECT email, role FROM account").fetchall())
    assert roles == {"mod@example.org": "moderator", "mod2@example.org": "moderator"}
    short = run("create-moderator", "--data-dir", data_dir, "--email", "mod3@example.org", env={"OPTOUT_PASSWORD": "short"})
    assert short.returncode != 0
    assert "at least 8" in short.stderr


def test_api_keys_are_printed_once_and_can_be_revoked(data_dir):
    result = run("create-api-key", "--data-dir", data_dir, "--name", "generator", "--scope", "check", "--scope", "generate")
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"ogk_[A-Za-z0-9_-]{43}", key)
    stored = sqlite3.connect(os.path.join(data_dir, "optout.sqlite")).execute("SELECT scopes, key_hash FROM api_key").fetchall()
    assert stored[0][0] == "check generate"
    assert key.encode() != stored[0][1]
    assert run("create-api-key", "--data-dir", data_dir, "--name", "generator", "--scope", "check").returncode != 0
    assert run("create-api-key", "--data-dir", data_dir, "--name", "x", "--scope", "everything").returncode != 0
    assert run("revoke-api-key", "--data-dir", data_dir, "--name", "generator").returncode == 0
    assert run("revoke-api-key", "--data-dir", data_dir, "--name", "generator").returncode != 0


@pytest.mark.skipif(SERVER_DATA is None, reason="needs the running server's data folder")
def test_a_key_made_by_the_cli_authenticates_against_the_running_server():
    result = run("create-api-key", "--data-dir", SERVER_DATA, "--name", "blackbox-key", "--scope", "check")
    key = result.stdout.strip().splitlines()[-1]
    # A live key is known but is not a session: 403, not 401.
    assert request("GET", "/v1/accounts/me", token=key).status == 403
    assert run("revoke-api-key", "--data-dir", SERVER_DATA, "--name", "blackbox-key").returncode == 0
    # The server remembers accepted keys for a second, so a revoked key stops within about that.
    import time
    deadline = time.monotonic() + 3
    while request("GET", "/v1/accounts/me", token=key).status != 401 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert request("GET", "/v1/accounts/me", token=key).status == 401


def test_import_artists_reports_and_is_idempotent(data_dir, tmp_path):
    lines = [
        {"name": "Greg Rutkowski", "aliases": ["Rutkowski"], "creations": [], "policy": "block", "links": ["https://example.org/g"]},
        {"name": "Alphonse Mucha", "aliases": ["Rose"], "policy": "credit"},
        {"name": "X"},
    ]
    path = tmp_path / "artists.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\nnot json\n")
    first = run("import-artists", "--data-dir", data_dir, str(path))
    assert first.returncode == 0, first.stderr
    assert "imported 2, updated 0, unchanged 0, held for review 1 (1 phrases), rejected 2" in first.stdout
    assert "rejected line 3:" in first.stdout
    assert "rejected line 4:" in first.stdout
    second = run("import-artists", "--data-dir", data_dir, str(path))
    assert "imported 0, updated 0, unchanged 2" in second.stdout
    statuses = sqlite3.connect(os.path.join(data_dir, "optout.sqlite")).execute(
        "SELECT text, status FROM phrase ORDER BY id").fetchall()
    assert statuses == [("Greg Rutkowski", "active"), ("Rutkowski", "active"), ("Alphonse Mucha", "active"), ("Rose", "pending_review")]


def test_import_artists_shows_progress_on_a_terminal_and_only_the_summary_elsewhere(data_dir, tmp_path):
    import pty
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"name": f"Progress Artist{i:05d}"}) + "\n" for i in range(3000)))
    # Not a terminal: the summary, no progress line.
    plain = run("import-artists", "--data-dir", data_dir, str(path))
    assert plain.returncode == 0, plain.stderr
    assert "imported 3000" in plain.stdout and "ETA" not in plain.stderr + plain.stdout
    # On a terminal (stderr a pseudo-terminal): lines, rate, share done and time left.
    leader, follower = pty.openpty()
    process = subprocess.run([BIN, "import-artists", "--data-dir", data_dir, str(path)], stdout=subprocess.PIPE, stderr=follower,
                             timeout=120, text=True)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.returncode == 0
    assert "unchanged 3000" in process.stdout
    text = shown.decode()
    assert re.search(r"3000 lines, \d+ lines/s, 100 % done, ETA 0 s", text), text


def test_a_missing_resource_folder_is_a_clear_error_not_a_crash(data_dir):
    result = run("serve", "--data-dir", data_dir, "--root", "/nonexistent-folder", "--port", "18999")
    assert result.returncode == 1
    assert "Migrations" in result.stderr
    assert "Fatal error" not in result.stderr


def test_evaluate_measures_the_gate_on_a_platforms_own_data(data_dir):
    registry = os.path.join(data_dir, "artists.jsonl")
    prompts = os.path.join(data_dir, "labelled.jsonl")
    with open(registry, "w") as out:
        for artist in [{"name": "Greg Rutkowski", "aliases": ["Dragonlord"]}, {"name": "Mira Kestrel"}, {"name": "Rose"}]:
            out.write(json.dumps(artist) + "\n")
    with open(prompts, "w") as out:
        for row in [
            {"prompt": "castle, art by Gr3g Rutk0wski", "artist": "Greg Rutkowski", "category": "leet"},
            {"prompt": "by Rutkowski, Greg", "artist": "Greg Rutkowski", "category": "order"},
            {"prompt": "a harbour, m i r a k e s t r e l", "artist": "Mira Kestrel", "category": "spacing"},
            {"prompt": "a harbour by someone else", "artist": "Mira Kestrel", "category": "spacing"},
            {"prompt": "castle, (Greg:1.2) (Rutkowski:1.2)", "artist": "Greg Rutkowski", "category": "syntax"},
            {"prompt": "castle, art by G. Rutkowski", "artist": "Greg Rutkowski", "category": "initials"},
            {"prompt": "castle, gregrutkowskistyle", "artist": "Greg Rutkowski", "category": "glued"},
            {"prompt": "a rose garden at dawn", "artist": None},
        ]:
            out.write(json.dumps(row) + "\n")
    result = run("evaluate", "--registry", registry, "--prompts", prompts)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "registry: 3 phrases block, 1 held by the collision guard (as the server would)" in lines
    assert re.search(r"^leet +1 +100\.00 %$", result.stdout, re.M)
    assert re.search(r"^order +1 +100\.00 %$", result.stdout, re.M)
    assert re.search(r"^spacing +2 +50\.00 %$", result.stdout, re.M)
    # Issue 23's readings: each kind is reported, and what the gate undid to catch them.
    for kind in ("syntax", "initials", "glued"):
        assert re.search(rf"^{kind} +1 +100\.00 %$", result.stdout, re.M), result.stdout
    caught = next(line for line in lines if line.startswith("caught through: "))
    assert "syntax 1" in caught and "initials 1" in caught and "leet 1" in caught, caught
    assert "ordinary prompts refused: 0 of 1 (0.000 %)" in lines
    assert run("evaluate", "--registry", os.path.join(data_dir, "missing.jsonl"), "--prompts", prompts).returncode != 0


PG_ADMIN = os.environ.get("OPTOUT_TEST_DATABASE_URL")


@pytest.fixture
def pg_database():
    """A PostgreSQL database of its own on the server OPTOUT_TEST_DATABASE_URL names (.ci/run starts one)."""
    if not PG_ADMIN:
        pytest.skip("set OPTOUT_TEST_DATABASE_URL to run against PostgreSQL")
    name = "optout_cli_" + os.urandom(6).hex()
    subprocess.run(["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    base, _, query = PG_ADMIN.partition("?")
    yield base.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")
    subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE {name} WITH (FORCE)"], capture_output=True)


def psql(url, sql):
    return subprocess.run(["psql", url, "-tAc", sql], check=True, capture_output=True, text=True).stdout.strip()


def test_migrate_and_copy_a_sqlite_deployment_to_postgres(data_dir, tmp_path, pg_database):
    artists = tmp_path / "artists.jsonl"
    artists.write_text('{"name": "Greg Rutkowski", "aliases": ["Grzegorz Rutkowski"], "links": ["https://example.org/greg"]}\n'
                       '{"name": "Sam Spratt", "policy": "credit"}\n')
    assert run("import-artists", "--data-dir", data_dir, str(artists)).returncode == 0
    assert run("create-api-key", "--data-dir", data_dir, "--name", "gen", "--scope", "generate").returncode == 0

    migrated = run("migrate", "--database-url", pg_database)
    assert migrated.returncode == 0, migrated.stderr
    shipped = sorted(name[:-4] for name in os.listdir(os.path.join(os.path.dirname(__file__), "..", "..", "Migrations", "postgres")) if name.endswith(".sql"))
    assert shipped[0] == "0001_schema"
    assert f"migrated {len(shipped)} PostgreSQL migrations ({shipped[-1]}); registry version 0" in migrated.stdout
    again = run("migrate", env={"OPTOUT_DATABASE_URL": pg_database})
    assert again.returncode == 0, again.stderr

    copied = run("copy-to-postgres", "--data-dir", data_dir, "--database-url", pg_database)
    assert copied.returncode == 0, copied.stderr
    assert "artist: 2 rows" in copied.stdout and "phrase: 3 rows" in copied.stdout and "api_key: 1 rows" in copied.stdout
    assert "counts verified" in copied.stdout
    sqlite = sqlite3.connect(os.path.join(data_dir, "optout.sqlite"))
    for table in ("artist", "phrase", "artist_link", "api_key"):
        assert psql(pg_database, f"SELECT count(*) FROM {table}") == str(sqlite.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    assert psql(pg_database, "SELECT version FROM registry_state") == str(sqlite.execute("SELECT version FROM registry_state").fetchone()[0])
    assert psql(pg_database, "SELECT string_agg(text, ',' ORDER BY id) FROM phrase") == ",".join(
        row[0] for row in sqlite.execute("SELECT text FROM phrase ORDER BY id"))

    refused = run("copy-to-postgres", "--data-dir", data_dir, "--database-url", pg_database)
    assert refused.returncode == 1
    assert "copy-to-postgres fills an empty database only" in refused.stderr
    assert "Traceback" not in refused.stderr and "Fatal error" not in refused.stderr


def test_a_bad_database_url_is_a_clear_error(data_dir):
    for url in ("mysql://a@b/c", "postgres://host-without-user/db"):
        result = run("migrate", "--database-url", url)
        assert result.returncode == 1
        assert result.stderr.startswith("optout-gate: --database-url")
    missing = run("copy-to-postgres", "--data-dir", data_dir, env={"OPTOUT_DATABASE_URL": ""})
    assert missing.returncode == 1
