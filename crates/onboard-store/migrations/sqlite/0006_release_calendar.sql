-- The release calendar (SPEC §6, §10): dates without a release, with their reasons, and
-- every change made to them. Dates are ISO text (YYYY-MM-DD), instants RFC 3339 text.
CREATE TABLE closed_dates (
    date   TEXT PRIMARY KEY,
    reason TEXT NOT NULL
);
-- Who changed what and when: `actor_id` is the admin's account, NULL for the operator at
-- the database (the CLI and the seed of --closed-dates). Never updated or deleted.
CREATE TABLE calendar_changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    change   TEXT NOT NULL CHECK (change IN ('added', 'removed')),
    date     TEXT NOT NULL,
    reason   TEXT NOT NULL
);
CREATE TRIGGER calendar_changes_no_update BEFORE UPDATE ON calendar_changes
BEGIN
    SELECT RAISE(ABORT, 'calendar changes cannot be updated');
END;
CREATE TRIGGER calendar_changes_no_delete BEFORE DELETE ON calendar_changes
BEGIN
    SELECT RAISE(ABORT, 'calendar changes cannot be deleted');
END;
