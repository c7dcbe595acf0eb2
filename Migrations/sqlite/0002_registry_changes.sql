-- A log of phrases whose blocking state may have changed, so the prompt gate can apply changes without
-- reloading the whole registry. The gate re-reads each logged phrase; it prunes rows it has folded into a full load.

CREATE TABLE registry_change (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    phrase_id INTEGER NOT NULL
);

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
