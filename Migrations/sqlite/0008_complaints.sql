-- Rightsholders' complaints (EU GPAI Code of Practice, measure 1.5): someone whose work was used despite an opt-out
-- tells the platform, and the moderators work it as its own category of the queue.

CREATE TABLE complaint (
    id INTEGER PRIMARY KEY,
    -- The signed-in account that filed it.
    account_id INTEGER NOT NULL REFERENCES account(id),
    rightsholder TEXT NOT NULL CHECK (length(rightsholder) BETWEEN 1 AND 200),
    contact_email TEXT NOT NULL CHECK (length(contact_email) BETWEEN 3 AND 254),
    -- The work that was used, and where or how it was used (a model, a dataset, an image, a URL).
    work_url TEXT NOT NULL CHECK (length(work_url) BETWEEN 1 AND 2048),
    used_in TEXT NOT NULL CHECK (length(used_in) BETWEEN 1 AND 2000),
    -- The registry entry the opt-out was made through, when there is one.
    artist_id INTEGER REFERENCES artist(id),
    details TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
    decided_by INTEGER REFERENCES account(id),
    decided_at TEXT,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    CHECK ((status = 'open') = (decided_at IS NULL))
);
CREATE INDEX complaint_queue ON complaint(status, id);
-- GET /v1/complaints/mine and the hourly filing limit read by account.
CREATE INDEX complaint_account ON complaint(account_id, created_at);

-- The complaints' audit trail, append-only like report_event.
CREATE TABLE complaint_event (
    id INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaint(id),
    actor_account_id INTEGER NOT NULL REFERENCES account(id),
    action TEXT NOT NULL CHECK (action IN ('filed', 'resolved', 'dismissed', 'reopened')),
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX complaint_event_complaint ON complaint_event(complaint_id, id);

CREATE TRIGGER complaint_event_is_append_only_update BEFORE UPDATE ON complaint_event
BEGIN
    SELECT RAISE(ABORT, 'complaint_event is append-only: events are never changed');
END;

CREATE TRIGGER complaint_event_is_append_only_delete BEFORE DELETE ON complaint_event
BEGIN
    SELECT RAISE(ABORT, 'complaint_event is append-only: events are never deleted');
END;
