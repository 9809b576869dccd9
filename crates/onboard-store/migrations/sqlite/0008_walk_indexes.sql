-- The list order's two indexes also carry what a search walk tests in each row (its agency
-- and its folded texts), so that walking the list order reads the index alone instead of
-- looking up every row it passes.
DROP INDEX eservices_by_update;
CREATE INDEX eservices_by_update ON eservices (updated_at DESC, id, agency_id, search_fold);
DROP INDEX eservices_by_agency;
CREATE INDEX eservices_by_agency ON eservices (agency_id, updated_at DESC, id, search_fold);
