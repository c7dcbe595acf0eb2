-- Readiness: GET /health/ready proves the database can be written by updating this one row (at most once a second).
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at TEXT NOT NULL
);
INSERT INTO health_probe (id, probed_at) VALUES (1, '1970-01-01T00:00:00Z');

-- Revisions of the collision guard's rule that were applied to the phrases already in the registry: a start that
-- finds a newer rule moves the active phrases now under it back to review once, and records how many.
CREATE TABLE guard_revision (
    revision INTEGER PRIMARY KEY,
    held INTEGER NOT NULL,
    applied_at TEXT NOT NULL
);

-- A link with no path claims its whole host; it is accepted only for a host the artist verified. Links of that
-- kind made before the rule are held: kept on the profile, but no longer answered by the registry look-up.
ALTER TABLE artist_link ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1));
UPDATE artist_link SET held = 1
WHERE substr(url, instr(url, '://') + 3) NOT GLOB '*/?*';

-- Sites an artist proved are theirs (POST /v1/artists/{id}/links/verify): a rel="me" link back to their profile,
-- or the token the route gave them, on a page they list.
CREATE TABLE artist_verified_link (
    id INTEGER PRIMARY KEY,
    artist_id INTEGER NOT NULL REFERENCES artist(id),
    url TEXT NOT NULL,
    host TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('rel_me', 'token')),
    verified_at TEXT NOT NULL,
    UNIQUE (artist_id, url)
);
CREATE INDEX artist_verified_link_host ON artist_verified_link(artist_id, host);

CREATE TRIGGER artist_link_held_bumps_registry AFTER UPDATE OF held ON artist_link
WHEN OLD.held <> NEW.held
BEGIN
    UPDATE link_state SET version = version + 1 WHERE id = 1;
END;
