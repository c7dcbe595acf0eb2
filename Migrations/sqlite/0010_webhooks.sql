-- Signed webhooks (Standard Webhooks): endpoints the admins register, an outbox written by triggers in the same
-- transaction as the change it reports (so a crash loses nothing), and one delivery per endpoint and message.

CREATE TABLE webhook_endpoint (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL CHECK (length(url) BETWEEN 8 AND 2048),
    -- The signing secret, whsec_ then base64: kept to sign with, shown once when the endpoint is made.
    secret TEXT NOT NULL,
    -- The event types it takes, space-separated.
    events TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES account(id),
    created_at TEXT NOT NULL,
    disabled_at TEXT,
    disabled_reason TEXT,
    deleted_at TEXT
);

-- Events as they happen. dispatched_at is set when a delivery was made for each endpoint that takes the type.
CREATE TABLE webhook_outbox (
    seq INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    dispatched_at TEXT
);
CREATE INDEX webhook_outbox_waiting ON webhook_outbox(seq) WHERE dispatched_at IS NULL;

CREATE TABLE webhook_delivery (
    id INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoint(id),
    outbox_seq INTEGER NOT NULL REFERENCES webhook_outbox(seq),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    first_failed_at TEXT,
    delivered_at TEXT,
    -- Given up: the endpoint was disabled, or deleted.
    abandoned_at TEXT,
    UNIQUE (endpoint_id, outbox_seq)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery(next_attempt_at) WHERE delivered_at IS NULL AND abandoned_at IS NULL;

CREATE TABLE webhook_attempt (
    id INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES webhook_delivery(id),
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoint(id),
    attempted_at TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX webhook_attempt_endpoint ON webhook_attempt(endpoint_id, id);

-- registry.changed: one waiting message at a time, carrying the newest version (an import that bumps the version
-- ten thousand times sends one or a few, not ten thousand).
CREATE TRIGGER webhook_registry_changed AFTER UPDATE OF version ON registry_state
WHEN NEW.version <> OLD.version
BEGIN
    UPDATE webhook_outbox SET payload = json_object('type', 'registry.changed', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
        'data', json_object('registry_version', NEW.version))
    WHERE event_type = 'registry.changed' AND dispatched_at IS NULL;
    INSERT INTO webhook_outbox (message_id, event_type, payload, created_at)
    SELECT 'msg_' || lower(hex(randomblob(16))), 'registry.changed',
        json_object('type', 'registry.changed', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            'data', json_object('registry_version', NEW.version)),
        strftime('%Y-%m-%d %H:%M:%f', 'now')
    WHERE NOT EXISTS (SELECT 1 FROM webhook_outbox WHERE event_type = 'registry.changed' AND dispatched_at IS NULL)
        AND EXISTS (SELECT 1 FROM webhook_endpoint WHERE deleted_at IS NULL AND disabled_at IS NULL);
END;

CREATE TRIGGER webhook_phrase_status AFTER UPDATE OF status ON phrase
WHEN NEW.status <> OLD.status AND EXISTS (SELECT 1 FROM webhook_endpoint WHERE deleted_at IS NULL AND disabled_at IS NULL)
BEGIN
    INSERT INTO webhook_outbox (message_id, event_type, payload, created_at)
    VALUES ('msg_' || lower(hex(randomblob(16))), 'phrase.status_changed',
        json_object('type', 'phrase.status_changed', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            'data', json_object('phrase_id', NEW.id, 'artist_id', NEW.artist_id, 'phrase', NEW.text, 'kind', NEW.kind,
                'from', OLD.status, 'to', NEW.status)),
        strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;

CREATE TRIGGER webhook_report_status AFTER UPDATE OF status ON report
WHEN NEW.status <> OLD.status AND EXISTS (SELECT 1 FROM webhook_endpoint WHERE deleted_at IS NULL AND disabled_at IS NULL)
BEGIN
    -- report.decided: a report taken down or dismissed.
    INSERT INTO webhook_outbox (message_id, event_type, payload, created_at)
    SELECT 'msg_' || lower(hex(randomblob(16))), 'report.decided',
        json_object('type', 'report.decided', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            'data', json_object('report_id', NEW.id, 'artist_id', NEW.artist_id, 'status', NEW.status,
                'decided_by', NEW.decided_by_role, 'target_kind', NEW.target_kind, 'target', NEW.target)),
        strftime('%Y-%m-%d %H:%M:%f', 'now')
    WHERE NEW.status IN ('taken_down', 'dismissed');
    -- generation.taken_down and generation.restored: what a generator must act on.
    INSERT INTO webhook_outbox (message_id, event_type, payload, created_at)
    SELECT 'msg_' || lower(hex(randomblob(16))), 'generation.taken_down',
        json_object('type', 'generation.taken_down', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            'data', json_object('generation_id', NEW.target, 'report_id', NEW.id, 'artist_id', NEW.artist_id)),
        strftime('%Y-%m-%d %H:%M:%f', 'now')
    WHERE NEW.status = 'taken_down' AND NEW.target_kind = 'generation';
    INSERT INTO webhook_outbox (message_id, event_type, payload, created_at)
    SELECT 'msg_' || lower(hex(randomblob(16))), 'generation.restored',
        json_object('type', 'generation.restored', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            'data', json_object('generation_id', NEW.target, 'report_id', NEW.id, 'artist_id', NEW.artist_id)),
        strftime('%Y-%m-%d %H:%M:%f', 'now')
    WHERE OLD.status = 'taken_down' AND NEW.target_kind = 'generation';
    -- ruling.requested: a moderator asked the artist.
    INSERT INTO webhook_outbox (message_id, event_type, payload, created_at)
    SELECT 'msg_' || lower(hex(randomblob(16))), 'ruling.requested',
        json_object('type', 'ruling.requested', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            'data', json_object('report_id', NEW.id, 'artist_id', NEW.artist_id, 'ruling_due_at', NEW.ruling_due_at)),
        strftime('%Y-%m-%d %H:%M:%f', 'now')
    WHERE NEW.status = 'awaiting_artist';
END;
