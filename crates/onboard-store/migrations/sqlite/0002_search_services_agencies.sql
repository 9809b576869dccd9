-- onboard SQLite schema, version 2: search matches services and agency names.
--
-- SPEC §10: `q` matches, contained and case-insensitively, the e-Service name, any of its
-- งานบริการ names, or its agency's Thai or English name. Version 1 indexed the name only.

-- eservice_texts replaces eservice_names: one row per searchable text of an e-Service (its
-- name, then each service), lowercased by the store (Rust's str::to_lowercase, as the query
-- is), so that the LIKE scan of queries shorter than 3 characters reads it as it is. The
-- rowid packs the e-Service and the text, `eservices.seq << 10 | i` (i = 0 the name, 1..
-- the services; core allows at most 100), so that `rowid >> 10` is `eservices.seq` and the
-- texts of one e-Service are one rowid range. Written by the store in the transaction of
-- every create and every command that changes the name or the services (no trigger: the
-- lowercasing is Rust's); the rows of existing e-Services are written by the migration
-- runner right after this script.
DROP TRIGGER eservices_name_insert;
DROP TRIGGER eservices_name_update;
DROP TRIGGER eservices_name_delete;
DROP TABLE eservice_names;
CREATE VIRTUAL TABLE eservice_texts USING fts5 (text, tokenize = 'trigram');

-- Only the LIKE search read `name_fold`; eservice_texts holds the lowercased name now.
ALTER TABLE eservices DROP COLUMN name_fold;

-- agency_names: the agencies' Thai and English names, for queries of 3 characters or more.
-- Kept by triggers, so it changes in the same transaction as the agency row, whichever
-- code renames an agency (approving step 4 does today). Agencies have no stable integer
-- key for the rowid, so the id is an unindexed column: a rename scans this table, which is
-- as small as the list of agencies. Shorter queries read the agencies table itself.
CREATE VIRTUAL TABLE agency_names USING fts5 (
    id UNINDEXED, name_th, name_en, tokenize = 'trigram'
);
INSERT INTO agency_names (id, name_th, name_en) SELECT id, name_th, name_en FROM agencies;
CREATE TRIGGER agencies_names_insert AFTER INSERT ON agencies BEGIN
    INSERT INTO agency_names (id, name_th, name_en) VALUES (new.id, new.name_th, new.name_en);
END;
CREATE TRIGGER agencies_names_update AFTER UPDATE OF id, name_th, name_en ON agencies BEGIN
    DELETE FROM agency_names WHERE id = old.id;
    INSERT INTO agency_names (id, name_th, name_en) VALUES (new.id, new.name_th, new.name_en);
END;
CREATE TRIGGER agencies_names_delete AFTER DELETE ON agencies BEGIN
    DELETE FROM agency_names WHERE id = old.id;
END;
