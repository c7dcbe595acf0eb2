-- Registry integrity II (issue 22).
--
-- A name dispute can be reopened: by the artist whose phrase it superseded (a contest) or by a moderator reversing a
-- settlement. SQLite cannot change a CHECK constraint in place, so the append-only event table is rebuilt with the
-- new action, its rows and append-only triggers as 0007 made them.
DROP TRIGGER name_dispute_event_is_append_only_update;
DROP TRIGGER name_dispute_event_is_append_only_delete;
CREATE TABLE name_dispute_event_new (
    id INTEGER PRIMARY KEY,
    dispute_id INTEGER NOT NULL REFERENCES name_dispute(id),
    actor_account_id INTEGER REFERENCES account(id),
    action TEXT NOT NULL CHECK (action IN ('opened', 'decided_holder', 'decided_challenger', 'released', 'reopened')),
    note TEXT,
    created_at TEXT NOT NULL
);
INSERT INTO name_dispute_event_new (id, dispute_id, actor_account_id, action, note, created_at)
SELECT id, dispute_id, actor_account_id, action, note, created_at FROM name_dispute_event;
DROP TABLE name_dispute_event;
ALTER TABLE name_dispute_event_new RENAME TO name_dispute_event;
CREATE INDEX name_dispute_event_dispute ON name_dispute_event(dispute_id, id);
CREATE TRIGGER name_dispute_event_is_append_only_update BEFORE UPDATE ON name_dispute_event
BEGIN
    SELECT RAISE(ABORT, 'name_dispute_event is append-only: events are never changed');
END;
CREATE TRIGGER name_dispute_event_is_append_only_delete BEFORE DELETE ON name_dispute_event
BEGIN
    SELECT RAISE(ABORT, 'name_dispute_event is append-only: events are never deleted');
END;
-- Disputes a challenger opened lately, counted per account for the daily cap.
CREATE INDEX name_dispute_created ON name_dispute(created_at);

-- An email's key: folded as the prompt gate folds letters (fullwidth, confusables, invisible characters, case), so
-- "ａlice@example.org" and "аlice@example.org" are the address "alice@example.org". Accounts from before keep their
-- lower-cased email as key.
ALTER TABLE account ADD COLUMN email_key TEXT;
UPDATE account SET email_key = lower(email);
CREATE UNIQUE INDEX account_email_folded ON account(email_key);
-- Where an account was opened from: the client address and its network (an IPv6 /64, an IPv4 /24), for the
-- sign-up throttle.
ALTER TABLE account ADD COLUMN signup_address TEXT;
ALTER TABLE account ADD COLUMN signup_network TEXT;
CREATE INDEX account_signup_address ON account(signup_address, created_at) WHERE signup_address IS NOT NULL;
CREATE INDEX account_signup_network ON account(signup_network, created_at) WHERE signup_network IS NOT NULL;

-- A moderator's rejection sticks to a phrase's key: a new phrase with the key of the latest reviewed one that was
-- rejected starts rejected. This finds that review.
CREATE INDEX phrase_reviewed_key ON phrase(normalized, id) WHERE reviewed_by IS NOT NULL;

-- A phrase that enters 'disputed' or 'pending_review' by INSERT is a status change too (from nothing).
CREATE TRIGGER webhook_phrase_status_insert AFTER INSERT ON phrase
WHEN NEW.status IN ('disputed', 'pending_review')
    AND EXISTS (SELECT 1 FROM webhook_endpoint WHERE deleted_at IS NULL AND disabled_at IS NULL)
BEGIN
    INSERT INTO webhook_outbox (message_id, event_type, payload, created_at)
    VALUES ('msg_' || lower(hex(randomblob(16))), 'phrase.status_changed',
        json_object('type', 'phrase.status_changed', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            'data', json_object('phrase_id', NEW.id, 'artist_id', NEW.artist_id, 'phrase', NEW.text, 'kind', NEW.kind,
                'from', NULL, 'to', NEW.status)),
        strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
