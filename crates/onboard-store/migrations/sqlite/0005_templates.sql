-- Templates offered for download on a step's page (SPEC §10 `/templates`). The file is a
-- row of `files` (content-addressed in `blobs`); deleting a template leaves it there.
-- `uploaded_by` is NULL for the operator at the database (`onboard demo`).
CREATE TABLE templates (
    id          TEXT PRIMARY KEY,
    title_th    TEXT NOT NULL,
    title_en    TEXT NOT NULL,
    step        TEXT NOT NULL,
    file_id     TEXT NOT NULL REFERENCES files (id),
    uploaded_by TEXT,
    uploaded_at TEXT NOT NULL
);
