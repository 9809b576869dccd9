-- The searchable texts of each e-Service (its name, then its services, lowercased, joined
-- by U+001F) beside the row, so that a search matching many e-Services can walk the list
-- order and test each row in place instead of collecting every match first. The trigram
-- index (eservice_texts) still finds rare matches and counts. Filled by the migration's
-- backfill from eservice_texts, then written with them.
ALTER TABLE eservices ADD COLUMN search_fold TEXT NOT NULL DEFAULT '';
