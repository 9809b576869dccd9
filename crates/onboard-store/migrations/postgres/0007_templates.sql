-- Templates offered for download on a step's page (SPEC §10 `/templates`). The file is a
-- row of `files` (content-addressed in `blobs`); deleting a template leaves it there.
-- `uploaded_by` is NULL for the operator at the database (`onboard demo`).
CREATE TABLE templates (
    id          uuid PRIMARY KEY,
    title_th    text NOT NULL,
    title_en    text NOT NULL,
    step        text NOT NULL,
    file_id     uuid NOT NULL REFERENCES files (id),
    uploaded_by uuid,
    uploaded_at timestamptz NOT NULL
);
