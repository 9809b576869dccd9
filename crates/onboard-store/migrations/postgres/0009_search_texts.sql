-- Search (SPEC §10) reads narrow rows instead of the wide, busy e-Service rows:
-- * eservice_texts holds every searchable text of an e-Service, lowercased by Rust: its
--   name at position 0, then its services from 1 (replacing eservice_services). Its trigram
--   index finds the matches, and a match is rechecked on a row of a few bytes.
-- * eservices.search_fold holds the same texts joined by U+001F, for a walk of the list
--   order that tests each row in place.
-- eservices itself no longer has a trigram index, so the new row version that every command
-- writes adds no trigram entries. The trigram indexes have fastupdate off: GIN's pending
-- list would otherwise be read in full by every search until a vacuum merges it.
CREATE TABLE eservice_texts (
    eservice_id uuid NOT NULL REFERENCES eservices (id),
    position    integer NOT NULL,
    fold        text NOT NULL
);
INSERT INTO eservice_texts (eservice_id, position, fold)
SELECT id, 0, name_fold FROM eservices
UNION ALL
SELECT eservice_id, position, name_fold FROM eservice_services;
CREATE INDEX eservice_texts_by_eservice ON eservice_texts (eservice_id);
CREATE INDEX eservice_texts_by_fold ON eservice_texts
    USING gin (fold gin_trgm_ops) WITH (fastupdate = off);

ALTER TABLE eservices ADD COLUMN search_fold text NOT NULL DEFAULT '';
UPDATE eservices e SET search_fold = e.name_fold || coalesce(
    (SELECT string_agg(chr(31) || s.name_fold, '' ORDER BY s.position)
     FROM eservice_services s WHERE s.eservice_id = e.id), '');
ALTER TABLE eservices ALTER COLUMN search_fold DROP DEFAULT;

DROP TABLE eservice_services;
DROP INDEX eservices_by_name;
ALTER TABLE eservices DROP COLUMN name_fold;

ALTER INDEX agencies_by_name SET (fastupdate = off);
SELECT gin_clean_pending_list('agencies_by_name'::regclass);
