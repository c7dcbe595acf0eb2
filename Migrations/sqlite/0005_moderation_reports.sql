-- The moderation queue: reports of style imitation, their reporters, and an append-only audit trail.

-- One queue item per artist and target; further reporters join it (report_reporter).
CREATE TABLE report (
    id INTEGER PRIMARY KEY,
    artist_id INTEGER NOT NULL REFERENCES artist(id),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('generation', 'image_url')),
    -- A generation's public id, or the image URL in its normal form.
    target TEXT NOT NULL CHECK (length(target) BETWEEN 1 AND 2048),
    -- The first reporter's category; each reporter's own is in report_reporter.
    category TEXT NOT NULL CHECK (category IN ('style_imitation', 'missing_credit', 'filter_evasion', 'other')),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'awaiting_artist', 'taken_down', 'dismissed')),
    reporter_count INTEGER NOT NULL DEFAULT 0 CHECK (reporter_count >= 0),
    -- What was reported, as it was when first reported (JSON): judged later even if the source changes.
    snapshot TEXT NOT NULL,
    claimed_by INTEGER REFERENCES account(id),
    claim_expires_at TEXT,
    -- Set when the artist did not rule in time and the item came back to the moderators.
    unanswered INTEGER NOT NULL DEFAULT 0 CHECK (unanswered IN (0, 1)),
    ruling_due_at TEXT,
    -- Who ended the item ('moderator' or 'artist') and when; NULL while it is open or with the artist.
    decided_by_role TEXT CHECK (decided_by_role IN ('moderator', 'artist')),
    decided_at TEXT,
    -- Rises with every change of state, so a decision made on a stale view is refused.
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (artist_id, target_kind, target),
    CHECK ((claimed_by IS NULL) = (claim_expires_at IS NULL)),
    CHECK ((status = 'awaiting_artist') = (ruling_due_at IS NOT NULL))
);
-- The queue's order: open first, most reporters first, then oldest.
CREATE INDEX report_queue ON report((status <> 'open'), reporter_count DESC, id);
CREATE INDEX report_status_queue ON report(status, reporter_count DESC, id);
CREATE INDEX report_ruling_due ON report(ruling_due_at) WHERE status = 'awaiting_artist';
-- GET /v1/generations/{id} asks whether a report took the generation down, by target alone.
CREATE INDEX report_target ON report(target_kind, target);
CREATE INDEX report_artist_waiting ON report(artist_id) WHERE status = 'awaiting_artist';

CREATE TABLE report_reporter (
    report_id INTEGER NOT NULL REFERENCES report(id),
    account_id INTEGER NOT NULL REFERENCES account(id),
    category TEXT NOT NULL CHECK (category IN ('style_imitation', 'missing_credit', 'filter_evasion', 'other')),
    details TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (report_id, account_id)
) WITHOUT ROWID;
-- The hourly filing limit and GET /v1/reports/mine read by account.
CREATE INDEX report_reporter_account ON report_reporter(account_id, created_at);

CREATE TRIGGER report_reporter_counts AFTER INSERT ON report_reporter
BEGIN
    UPDATE report SET reporter_count = reporter_count + 1 WHERE id = NEW.report_id;
END;

-- The audit trail: every step of every item. Append-only: the triggers below refuse UPDATE and DELETE.
CREATE TABLE report_event (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES report(id),
    -- NULL for the service itself (an artist's ruling that timed out).
    actor_account_id INTEGER REFERENCES account(id),
    actor_role TEXT NOT NULL CHECK (actor_role IN ('reporter', 'moderator', 'admin', 'artist', 'system')),
    action TEXT NOT NULL CHECK (
        action IN ('filed', 'reporter_added', 'claimed', 'released', 'dismiss', 'take_down', 'ask_artist', 'ruled_imitation',
                   'ruled_not_imitation', 'artist_timed_out', 'reopened')
    ),
    from_status TEXT CHECK (from_status IN ('open', 'awaiting_artist', 'taken_down', 'dismissed')),
    to_status TEXT NOT NULL CHECK (to_status IN ('open', 'awaiting_artist', 'taken_down', 'dismissed')),
    note TEXT,
    created_at TEXT NOT NULL,
    CHECK ((actor_account_id IS NULL) = (actor_role = 'system'))
);
CREATE INDEX report_event_report ON report_event(report_id, id);
-- The generators' take-down feed (GET /v1/takedowns) reads only these events.
CREATE INDEX report_event_takedown ON report_event(id)
    WHERE to_status = 'taken_down' OR (from_status = 'taken_down' AND action = 'reopened');

CREATE TRIGGER report_event_is_append_only_update BEFORE UPDATE ON report_event
BEGIN
    SELECT RAISE(ABORT, 'report_event is append-only: events are never changed');
END;

CREATE TRIGGER report_event_is_append_only_delete BEFORE DELETE ON report_event
BEGIN
    SELECT RAISE(ABORT, 'report_event is append-only: events are never deleted');
END;
