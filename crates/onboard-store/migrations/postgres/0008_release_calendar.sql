-- The release calendar (SPEC §6, §10): dates without a release, with their reasons, and
-- every change made to them.
CREATE TABLE closed_dates (
    date   date PRIMARY KEY,
    reason text NOT NULL
);
-- Who changed what and when: `actor_id` is the admin's account, NULL for the operator at
-- the database (the CLI and the seed of --closed-dates). Never updated or deleted.
CREATE TABLE calendar_changes (
    seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       timestamptz NOT NULL,
    actor_id uuid REFERENCES users (id),
    change   text NOT NULL CHECK (change IN ('added', 'removed')),
    date     date NOT NULL,
    reason   text NOT NULL
);
CREATE FUNCTION calendar_changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'calendar changes cannot be updated or deleted';
END;
$$;
CREATE TRIGGER calendar_changes_append_only BEFORE UPDATE OR DELETE ON calendar_changes
    FOR EACH ROW EXECUTE FUNCTION calendar_changes_append_only();
