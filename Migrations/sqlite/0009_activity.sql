-- What an artist's opt-out did: per artist and UTC day, the prompts refused because they named the artist and the
-- prompts allowed with a credit to them. Counts only, never a prompt's text; kept for a year.
CREATE TABLE artist_activity (
    artist_id INTEGER NOT NULL REFERENCES artist(id),
    day TEXT NOT NULL CHECK (length(day) = 10),
    refused INTEGER NOT NULL DEFAULT 0 CHECK (refused >= 0),
    credited INTEGER NOT NULL DEFAULT 0 CHECK (credited >= 0),
    PRIMARY KEY (artist_id, day)
) WITHOUT ROWID;
CREATE INDEX artist_activity_day ON artist_activity(day);

-- The moderation queue's size by kind and status, the last reading of each UTC day, for the moderators' chart.
CREATE TABLE queue_size (
    day TEXT NOT NULL CHECK (length(day) = 10),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (day, kind, status)
) WITHOUT ROWID;
