-- Accounts, sessions and API keys; the artist opt-out registry.
-- A shipped migration is never edited: add a new file instead.

CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'admin')),
    created_at TEXT NOT NULL
);

CREATE TABLE session (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX session_account ON session(account_id);

CREATE TABLE api_key (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    key_hash BLOB NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE artist (
    id INTEGER PRIMARY KEY,
    -- NULL for artists brought in by import-artists rather than by their own account.
    account_id INTEGER REFERENCES account(id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    policy TEXT NOT NULL CHECK (policy IN ('block', 'credit')),
    verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    withdrawn_at TEXT
);
-- One live profile per account; a withdrawn one stays for the audit trail.
CREATE UNIQUE INDEX artist_live_account ON artist(account_id) WHERE withdrawn_at IS NULL AND account_id IS NOT NULL;
-- import-artists is idempotent by name among live artists.
CREATE INDEX artist_live_name ON artist(name_key) WHERE withdrawn_at IS NULL;

CREATE TABLE artist_link (
    id INTEGER PRIMARY KEY,
    artist_id INTEGER NOT NULL REFERENCES artist(id),
    url TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (artist_id, position)
);

CREATE TABLE phrase (
    id INTEGER PRIMARY KEY,
    artist_id INTEGER NOT NULL REFERENCES artist(id),
    text TEXT NOT NULL,
    -- PhraseKey: the form under which two spellings are one phrase.
    normalized TEXT NOT NULL CHECK (length(normalized) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('name', 'alias', 'creation')),
    position INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'pending_review', 'rejected')),
    review_reason TEXT,
    reviewed_by INTEGER REFERENCES account(id),
    created_at TEXT NOT NULL,
    -- Set when the artist removes the phrase or withdraws; the row stays for the audit trail.
    released_at TEXT
);
-- A phrase is held by one artist at a time (a rejected or released one holds nothing).
CREATE UNIQUE INDEX phrase_held ON phrase(normalized) WHERE released_at IS NULL AND status <> 'rejected';
CREATE INDEX phrase_artist ON phrase(artist_id) WHERE released_at IS NULL;
CREATE INDEX phrase_live_status ON phrase(status, id) WHERE released_at IS NULL;

-- The registry version rises with every change to the set of active phrases or to what they mean.
CREATE TABLE registry_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO registry_state (id, version) VALUES (1, 0);

CREATE TRIGGER phrase_insert_bumps_registry AFTER INSERT ON phrase
WHEN NEW.status = 'active' AND NEW.released_at IS NULL
BEGIN
    UPDATE registry_state SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER phrase_update_bumps_registry AFTER UPDATE OF status, released_at ON phrase
WHEN (OLD.status = 'active' AND OLD.released_at IS NULL) <> (NEW.status = 'active' AND NEW.released_at IS NULL)
BEGIN
    UPDATE registry_state SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER artist_policy_bumps_registry AFTER UPDATE OF policy, name ON artist
WHEN OLD.policy <> NEW.policy OR OLD.name <> NEW.name
BEGIN
    UPDATE registry_state SET version = version + 1 WHERE id = 1;
END;
