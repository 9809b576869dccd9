-- onboard SQLite schema, version 1.
--
-- Applied by `SqliteStore::migrate` inside one transaction and recorded in
-- `schema_migrations` (created by the runner, not here). The PostgreSQL backend mirrors the
-- same tables and semantics; only the column types differ.
--
-- Conventions (so that text comparison is chronological and the rows are readable):
--   * ids are UUIDs as lowercase hyphenated TEXT;
--   * instants are UTC TEXT, fixed width: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`;
--   * dates (Asia/Bangkok calendar days) are TEXT `YYYY-MM-DD`;
--   * enums are their JSON names (`uat-setup`, `under_review`, `reviewer`, ...);
--   * booleans are INTEGER 0/1; JSON documents are TEXT.

-- Agencies (หน่วยงาน) and their ministry (สังกัด/กระทรวง).
CREATE TABLE agencies (
    id          TEXT PRIMARY KEY,
    name_th     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    ministry_th TEXT NOT NULL,
    ministry_en TEXT NOT NULL
);
CREATE INDEX agencies_by_name_th ON agencies (name_th, id);

-- Accounts. `username_norm` is the lowercased username: uniqueness and lookups are
-- case-insensitive, the display keeps the user's spelling.
CREATE TABLE users (
    id                      TEXT PRIMARY KEY,
    username                TEXT NOT NULL,
    username_norm           TEXT NOT NULL UNIQUE,
    email                   TEXT NOT NULL,
    display_name            TEXT NOT NULL,
    role                    TEXT NOT NULL CHECK (role IN ('agency', 'reviewer', 'admin')),
    agency_id               TEXT REFERENCES agencies (id),
    password_hash           TEXT NOT NULL,
    must_change_credentials INTEGER NOT NULL,
    disabled                INTEGER NOT NULL DEFAULT 0,
    created_at              TEXT NOT NULL
);
-- Audience resolution: enabled users of one agency, enabled staff.
CREATE INDEX users_by_agency ON users (agency_id, disabled);
CREATE INDEX users_by_role ON users (role, disabled);

-- Login sessions: only the SHA-256 of the bearer token is stored. A session is valid while
-- `revoked_at IS NULL AND expires_at > now` and its user is enabled.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Failed logins per lowercased username, for throttling (SPEC §10: 5 within 15 minutes).
CREATE TABLE login_failures (
    id            INTEGER PRIMARY KEY,
    username_norm TEXT NOT NULL,
    at            TEXT NOT NULL
);
CREATE INDEX login_failures_by_user ON login_failures (username_norm, at);

-- e-Services, split in two tables so that queries scan slim rows:
--   eservices       the columns queries filter and sort on, copied out of the state:
--     current_step / current_status = EService::current_step() / current_status(),
--     complete     = all seven steps completed (current_status = 'completed'),
--     launch_on    = the release date once step 7 is confirmed (lifecycle is derived from it
--                    and the query's `today`: NULL onboarding, > today scheduled, else live),
--     review_since = submitted_at of the current step while it is under review, else NULL
--                    (the review queue, oldest first),
--     name_fold    = lowercased name, for the LIKE search of queries shorter than 3 chars;
--   eservice_states the full serde JSON of `onboard_core::workflow::EService` (the truth,
--                   equal to the fold of `events`).
-- `seq` is an explicit INTEGER PRIMARY KEY so that it survives VACUUM: the name index below
-- refers to it. Every write is `UPDATE ... WHERE id = ? AND version = <version read>`.
CREATE TABLE eservices (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    agency_id      TEXT NOT NULL REFERENCES agencies (id),
    name           TEXT NOT NULL,
    name_fold      TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    current_step   TEXT NOT NULL,
    current_status TEXT NOT NULL,
    complete       INTEGER NOT NULL,
    launch_on      TEXT,
    review_since   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE TABLE eservice_states (
    id    TEXT PRIMARY KEY REFERENCES eservices (id),
    state TEXT NOT NULL
);
-- The list is ordered by `updated_at DESC, id`, optionally within one agency.
CREATE INDEX eservices_by_update ON eservices (updated_at DESC, id);
CREATE INDEX eservices_by_agency ON eservices (agency_id, updated_at DESC, id);
CREATE INDEX eservices_by_step ON eservices (current_step, current_status);
CREATE INDEX eservices_by_status ON eservices (current_status);
CREATE INDEX eservices_review_queue ON eservices (review_since, id) WHERE review_since IS NOT NULL;
CREATE INDEX eservices_by_launch ON eservices (launch_on, id) WHERE launch_on IS NOT NULL;

-- Name search: trigram full-text index (substring match, case-insensitive, Thai included)
-- for queries of 3 characters or more. Its rowid is `eservices.seq`; triggers keep it in
-- step with `eservices.name`.
CREATE VIRTUAL TABLE eservice_names USING fts5 (name, tokenize = 'trigram');
CREATE TRIGGER eservices_name_insert AFTER INSERT ON eservices BEGIN
    INSERT INTO eservice_names (rowid, name) VALUES (new.seq, new.name);
END;
CREATE TRIGGER eservices_name_update AFTER UPDATE OF name ON eservices
WHEN new.name IS NOT old.name BEGIN
    UPDATE eservice_names SET name = new.name WHERE rowid = new.seq;
END;
CREATE TRIGGER eservices_name_delete AFTER DELETE ON eservices BEGIN
    DELETE FROM eservice_names WHERE rowid = old.seq;
END;

-- The append-only audit log. `data` is the whole serde JSON of `onboard_core::workflow::Event`;
-- the other columns are copies for reading without parsing. Several events of one command
-- share its `version`; `seq` orders them globally.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    eservice_id TEXT NOT NULL REFERENCES eservices (id),
    version     INTEGER NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    step        TEXT,
    from_status TEXT,
    to_status   TEXT,
    data        TEXT NOT NULL
);
CREATE INDEX events_by_eservice ON events (eservice_id, seq);
-- Events are never updated or deleted (SPEC §13).
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN
    SELECT RAISE (ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN
    SELECT RAISE (ABORT, 'events are append-only');
END;

-- Portal notifications, one row per recipient. `seq` breaks ties of `at` (newest first =
-- `at DESC, seq DESC`).
CREATE TABLE notifications (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    recipient   TEXT NOT NULL REFERENCES users (id),
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    eservice_id TEXT REFERENCES eservices (id),
    title_th    TEXT NOT NULL,
    title_en    TEXT NOT NULL,
    body_th     TEXT NOT NULL,
    body_en     TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX notifications_by_recipient ON notifications (recipient, at DESC, seq DESC);

-- E-mails written in the same transaction as the change that caused them (SPEC §8).
--   pending: waiting; due when next_attempt_at <= now (a retry sets it to the retry time);
--   sending: claimed by a worker until next_attempt_at (the lease); an expired lease is
--            claimable again; every claim adds 1 to attempts;
--   sent:    delivered at sent_at.
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    recipient       TEXT,
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    eservice_id     TEXT,
    created_at      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_created ON outbox (created_at DESC, seq DESC);

-- Uploaded content, once per SHA-256, and the metadata of each upload (many uploads may
-- share one blob). `agency_id` is the uploader's agency (NULL for staff uploads): a payload
-- may reference only files of the e-Service's agency.
CREATE TABLE blobs (
    sha256  TEXT PRIMARY KEY,
    size    INTEGER NOT NULL,
    content BLOB NOT NULL
);
CREATE TABLE files (
    id          TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL REFERENCES blobs (sha256),
    name        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    width       INTEGER,
    height      INTEGER,
    uploaded_by TEXT NOT NULL,
    agency_id   TEXT REFERENCES agencies (id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX files_by_sha256 ON files (sha256);

-- Dashboard counters (SPEC §7), maintained in the transaction of every create and command so
-- the dashboard reads a few rows instead of every e-Service:
--   dashboard_steps:    e-Services per agency and (current_step, current_status, complete);
--   dashboard_launches: e-Services per agency and launch_on (live = launch_on <= today).
-- Rows whose count falls to 0 are kept (harmless).
CREATE TABLE dashboard_steps (
    agency_id      TEXT NOT NULL,
    current_step   TEXT NOT NULL,
    current_status TEXT NOT NULL,
    complete       INTEGER NOT NULL,
    n              INTEGER NOT NULL,
    PRIMARY KEY (agency_id, current_step, current_status, complete)
);
CREATE TABLE dashboard_launches (
    agency_id TEXT NOT NULL,
    launch_on TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (agency_id, launch_on)
);
