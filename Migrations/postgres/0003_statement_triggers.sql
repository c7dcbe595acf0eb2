-- The registry's phrase and link triggers run once a statement instead of once a row.
--
-- 0001's row triggers updated the one registry_state row (and link_state) for every phrase and link a statement
-- wrote: a multi-row insert of the import's 20,000 artists updated that row some 70,000 times in one transaction,
-- and PostgreSQL keeps every one of those versions of the row until the transaction ends, each update walking past
-- the ones before. Statement triggers read the statement's rows from its transition tables: the version rises once a
-- statement, by as much as 0001's row triggers raised it (one for each row that changed what the gate blocks), and
-- change-log positions are handed out as one block under the same
-- counter row lock (held to commit, so positions still become visible in order).
--
-- What readers see is unchanged: every phrase written gets its change-log position and versions rise by what they
-- rose before (as SQLite's row triggers raise them, Migrations/sqlite/), in one update of the row.

-- A position a row already holds is kept: the block below hands them out itself.
CREATE OR REPLACE FUNCTION registry_change_position() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq IS NULL THEN
        UPDATE registry_state SET change_seq = change_seq + 1 WHERE id = 1 RETURNING change_seq INTO NEW.seq;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION bump_registry_by(n BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF n > 0 THEN UPDATE registry_state SET version = version + n WHERE id = 1; END IF;
END $$;
CREATE FUNCTION bump_links_by(n BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF n > 0 THEN UPDATE link_state SET version = version + n WHERE id = 1; END IF;
END $$;

-- Records the phrases `ids` as changed, in that order, at the next positions of the change log.
CREATE FUNCTION record_registry_changes(ids BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    last BIGINT;
BEGIN
    IF coalesce(cardinality(ids), 0) = 0 THEN RETURN; END IF;
    UPDATE registry_state SET change_seq = change_seq + cardinality(ids) WHERE id = 1 RETURNING change_seq INTO last;
    INSERT INTO registry_change (seq, phrase_id)
    SELECT last - cardinality(ids) + t.position, t.id FROM unnest(ids) WITH ORDINALITY AS t(id, position);
END $$;

DROP TRIGGER phrase_changed ON phrase;

CREATE FUNCTION phrases_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_registry_by((SELECT count(*) FROM inserted WHERE status = 'active' AND released_at IS NULL));
    PERFORM record_registry_changes(ARRAY(SELECT id FROM inserted ORDER BY id));
    RETURN NULL;
END $$;
CREATE TRIGGER phrases_inserted AFTER INSERT ON phrase REFERENCING NEW TABLE AS inserted
FOR EACH STATEMENT EXECUTE FUNCTION phrases_inserted();

CREATE FUNCTION phrases_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_registry_by((
        SELECT count(*) FROM before_rows o JOIN after_rows n ON n.id = o.id
        WHERE (o.status = 'active' AND o.released_at IS NULL) IS DISTINCT FROM (n.status = 'active' AND n.released_at IS NULL)
    ));
    PERFORM record_registry_changes(ARRAY(
        SELECT n.id FROM before_rows o JOIN after_rows n ON n.id = o.id
        WHERE o.status IS DISTINCT FROM n.status OR o.released_at IS DISTINCT FROM n.released_at
            OR o.text IS DISTINCT FROM n.text OR o.kind IS DISTINCT FROM n.kind
        ORDER BY n.id
    ));
    RETURN NULL;
END $$;
CREATE TRIGGER phrases_updated AFTER UPDATE ON phrase REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
FOR EACH STATEMENT EXECUTE FUNCTION phrases_updated();

DROP TRIGGER artist_link_changed ON artist_link;

-- A link added or removed moves both versions (the registry's look-up answers name links); a change of `held` moves
-- the links' version only.
CREATE FUNCTION artist_links_added_or_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_registry_by((SELECT count(*) FROM touched));
    PERFORM bump_links_by((SELECT count(*) FROM touched));
    RETURN NULL;
END $$;
CREATE TRIGGER artist_links_inserted AFTER INSERT ON artist_link REFERENCING NEW TABLE AS touched
FOR EACH STATEMENT EXECUTE FUNCTION artist_links_added_or_removed();
CREATE TRIGGER artist_links_deleted AFTER DELETE ON artist_link REFERENCING OLD TABLE AS touched
FOR EACH STATEMENT EXECUTE FUNCTION artist_links_added_or_removed();

CREATE FUNCTION artist_links_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_links_by((SELECT count(*) FROM before_rows o JOIN after_rows n ON n.id = o.id WHERE o.held IS DISTINCT FROM n.held));
    RETURN NULL;
END $$;
CREATE TRIGGER artist_links_updated AFTER UPDATE ON artist_link REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
FOR EACH STATEMENT EXECUTE FUNCTION artist_links_updated();
