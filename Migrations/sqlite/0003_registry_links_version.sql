-- Artists' links are part of the registry dataset builders sync: changing them, or withdrawing an artist,
-- raises the registry version too, so an export's ETag changes whenever its content does. A separate counter
-- rises only with the links, so the look-up rebuilds its link index only when links changed.

CREATE TABLE link_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO link_state (id, version) VALUES (1, 0);

CREATE TRIGGER artist_link_insert_bumps_registry AFTER INSERT ON artist_link
BEGIN
    UPDATE registry_state SET version = version + 1 WHERE id = 1;
    UPDATE link_state SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER artist_link_delete_bumps_registry AFTER DELETE ON artist_link
BEGIN
    UPDATE registry_state SET version = version + 1 WHERE id = 1;
    UPDATE link_state SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER artist_withdrawal_bumps_registry AFTER UPDATE OF withdrawn_at ON artist
WHEN (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL)
BEGIN
    UPDATE registry_state SET version = version + 1 WHERE id = 1;
    UPDATE link_state SET version = version + 1 WHERE id = 1;
END;
