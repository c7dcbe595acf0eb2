-- Registry integrity II (issue 22): what SQLite's 0012 adds.

-- A name dispute can be reopened (a contest by the superseded side, or a moderator reversing a settlement).
ALTER TABLE name_dispute_event DROP CONSTRAINT name_dispute_event_action_check;
ALTER TABLE name_dispute_event ADD CONSTRAINT name_dispute_event_action_check
    CHECK (action IN ('opened', 'decided_holder', 'decided_challenger', 'released', 'reopened'));
CREATE INDEX name_dispute_created ON name_dispute(created_at);

-- An email's key, folded as the prompt gate folds letters; accounts from before keep their lower-cased email.
ALTER TABLE account ADD COLUMN email_key TEXT;
UPDATE account SET email_key = lower(email);
CREATE UNIQUE INDEX account_email_folded ON account(email_key);
-- Where an account was opened from, for the sign-up throttle.
ALTER TABLE account ADD COLUMN signup_address TEXT;
ALTER TABLE account ADD COLUMN signup_network TEXT;
CREATE INDEX account_signup_address ON account(signup_address, created_at) WHERE signup_address IS NOT NULL;
CREATE INDEX account_signup_network ON account(signup_network, created_at) WHERE signup_network IS NOT NULL;

-- A moderator's rejection sticks to a phrase's key: a new phrase with the key of the latest reviewed one that was
-- rejected starts rejected. This finds that review.
CREATE INDEX phrase_reviewed_key ON phrase(normalized, id) WHERE reviewed_by IS NOT NULL;

-- A phrase that enters 'disputed' or 'pending_review' by INSERT is a status change too (from nothing).
CREATE FUNCTION webhook_phrase_status_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF webhooks_live() THEN
        PERFORM webhook_enqueue('phrase.status_changed', jsonb_build_object('phrase_id', NEW.id, 'artist_id', NEW.artist_id,
            'phrase', NEW.text, 'kind', NEW.kind, 'from', NULL, 'to', NEW.status));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_phrase_status_insert AFTER INSERT ON phrase
FOR EACH ROW WHEN (NEW.status IN ('disputed', 'pending_review')) EXECUTE FUNCTION webhook_phrase_status_insert();
