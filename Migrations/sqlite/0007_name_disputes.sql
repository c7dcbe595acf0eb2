-- Name disputes: a phrase held by an unverified artist is not a dead end. Another artist registering it gets the
-- phrase as 'disputed' (not blocking) and a name_dispute item opens for the moderators; the winner's phrase becomes
-- 'active', the other's 'superseded' (kept on the profile, never blocking).
-- SQLite cannot change a CHECK constraint in place: the phrase table is rebuilt with the new statuses, its indexes
-- and triggers recreated as 0001 and 0002 made them (no table refers to phrase).

CREATE TABLE phrase_new (
    id INTEGER PRIMARY KEY,
    artist_id INTEGER NOT NULL REFERENCES artist(id),
    text TEXT NOT NULL,
    normalized TEXT NOT NULL CHECK (length(normalized) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('name', 'alias', 'creation')),
    position INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'pending_review', 'rejected', 'disputed', 'superseded')),
    review_reason TEXT,
    reviewed_by INTEGER REFERENCES account(id),
    created_at TEXT NOT NULL,
    released_at TEXT
);
-- artist_update_logs_change (0002) reads phrase: it goes while the table is replaced, and comes back unchanged.
DROP TRIGGER artist_update_logs_change;
INSERT INTO phrase_new (id, artist_id, text, normalized, kind, position, status, review_reason, reviewed_by, created_at, released_at)
SELECT id, artist_id, text, normalized, kind, position, status, review_reason, reviewed_by, created_at, released_at FROM phrase;
DROP TABLE phrase;
ALTER TABLE phrase_new RENAME TO phrase;

-- A phrase is held by one artist at a time; a rejected, disputed or superseded one holds nothing.
CREATE UNIQUE INDEX phrase_held ON phrase(normalized) WHERE released_at IS NULL AND status IN ('active', 'pending_review');
CREATE INDEX phrase_artist ON phrase(artist_id) WHERE released_at IS NULL;
CREATE INDEX phrase_live_status ON phrase(status, id) WHERE released_at IS NULL;

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

CREATE TRIGGER phrase_insert_logs_change AFTER INSERT ON phrase
BEGIN
    INSERT INTO registry_change (phrase_id) VALUES (NEW.id);
END;

CREATE TRIGGER phrase_update_logs_change AFTER UPDATE OF status, released_at, text, kind ON phrase
BEGIN
    INSERT INTO registry_change (phrase_id) VALUES (NEW.id);
END;

CREATE TRIGGER artist_update_logs_change AFTER UPDATE OF policy, name ON artist
WHEN OLD.policy <> NEW.policy OR OLD.name <> NEW.name
BEGIN
    INSERT INTO registry_change (phrase_id) SELECT id FROM phrase WHERE artist_id = NEW.id AND released_at IS NULL;
END;

CREATE TABLE name_dispute (
    id INTEGER PRIMARY KEY,
    -- The phrase that held the name first (its artist unverified), and the one registered after it.
    holder_phrase_id INTEGER NOT NULL REFERENCES phrase(id),
    challenger_phrase_id INTEGER NOT NULL REFERENCES phrase(id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided')),
    winner TEXT CHECK (winner IN ('holder', 'challenger')),
    -- How it ended: a moderator's decision, a verification, or one side letting the phrase go.
    decided_how TEXT CHECK (decided_how IN ('moderator', 'verification', 'released')),
    decided_by INTEGER REFERENCES account(id),
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    decided_at TEXT,
    CHECK ((status = 'open') = (winner IS NULL))
);
CREATE UNIQUE INDEX name_dispute_open_challenger ON name_dispute(challenger_phrase_id) WHERE status = 'open';
CREATE INDEX name_dispute_holder ON name_dispute(holder_phrase_id) WHERE status = 'open';
CREATE INDEX name_dispute_queue ON name_dispute(status, id);

-- The disputes' audit trail, append-only like report_event.
CREATE TABLE name_dispute_event (
    id INTEGER PRIMARY KEY,
    dispute_id INTEGER NOT NULL REFERENCES name_dispute(id),
    actor_account_id INTEGER REFERENCES account(id),
    action TEXT NOT NULL CHECK (action IN ('opened', 'decided_holder', 'decided_challenger', 'released')),
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX name_dispute_event_dispute ON name_dispute_event(dispute_id, id);

CREATE TRIGGER name_dispute_event_is_append_only_update BEFORE UPDATE ON name_dispute_event
BEGIN
    SELECT RAISE(ABORT, 'name_dispute_event is append-only: events are never changed');
END;

CREATE TRIGGER name_dispute_event_is_append_only_delete BEFORE DELETE ON name_dispute_event
BEGIN
    SELECT RAISE(ABORT, 'name_dispute_event is append-only: events are never deleted');
END;

-- The token an artist may put on a listed page to verify it (POST /v1/artists/{id}/links/verify).
CREATE TABLE artist_verification_token (
    artist_id INTEGER PRIMARY KEY REFERENCES artist(id),
    token TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
