-- onboard on PostgreSQL: initial schema (SPEC §3, §7, §8, §9, §12).
--
-- The e-Service state is stored whole (JSON of onboard_core::workflow::EService) beside
-- denormalized columns that the list, the review queue and the launch list filter and sort
-- on. The event log is append-only. Dashboard counts come from counters maintained in the
-- same transaction as each change (never from a scan of e-Services).

-- Trigram index for case-insensitive substring search of names, Thai included. The
-- extension's operator classes are looked up through search_path (public by default).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE agencies (
    id          uuid PRIMARY KEY,
    name_th     text NOT NULL,
    name_en     text NOT NULL,
    ministry_th text NOT NULL,
    ministry_en text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id                      uuid PRIMARY KEY,
    username                text NOT NULL,
    -- Lowercased username: uniqueness is case-insensitive (SPEC §2).
    username_norm           text NOT NULL UNIQUE,
    email                   text NOT NULL,
    display_name            text NOT NULL,
    role                    text NOT NULL CHECK (role IN ('agency', 'reviewer', 'admin')),
    agency_id               uuid REFERENCES agencies (id),
    password_hash           text NOT NULL,
    must_change_credentials boolean NOT NULL,
    disabled                boolean NOT NULL DEFAULT false,
    created_at              timestamptz NOT NULL
);
CREATE INDEX users_by_agency ON users (agency_id) WHERE agency_id IS NOT NULL;

-- Bearer tokens are stored only as their SHA-256 (SPEC §10, §13).
CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Failed logins, for throttling shared by every server process.
CREATE TABLE login_failures (
    id            bigserial PRIMARY KEY,
    username_norm text NOT NULL,
    at            timestamptz NOT NULL
);
CREATE INDEX login_failures_by_user ON login_failures (username_norm, at);

CREATE TABLE eservices (
    id             uuid PRIMARY KEY,
    agency_id      uuid NOT NULL REFERENCES agencies (id),
    name           text NOT NULL,
    -- The name lowercased (by Rust's str::to_lowercase, as SQLite's backend does): searched
    -- with LIKE, which rechecks rows far faster than ILIKE on Thai text.
    name_fold      text NOT NULL,
    version        bigint NOT NULL,
    -- The whole onboard_core::workflow::EService.
    state          jsonb NOT NULL,
    current_step   text NOT NULL,
    current_status text NOT NULL,
    complete       boolean NOT NULL,
    launch_on      date,
    -- When the step under review was submitted (NULL unless a step is under review).
    review_since   timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX eservices_by_update ON eservices (updated_at DESC, id);
CREATE INDEX eservices_by_agency_update ON eservices (agency_id, updated_at DESC, id);
CREATE INDEX eservices_by_name ON eservices USING gin (name_fold gin_trgm_ops);
CREATE INDEX eservices_review_queue ON eservices (review_since, id) WHERE review_since IS NOT NULL;
CREATE INDEX eservices_by_launch ON eservices (launch_on, id) WHERE launch_on IS NOT NULL;

-- Append-only: never updated or deleted (SPEC §13). `data` is the whole Event JSON; the
-- other columns repeat parts of it for queries by hand.
CREATE TABLE events (
    seq         bigserial PRIMARY KEY,
    eservice_id uuid NOT NULL REFERENCES eservices (id),
    version     bigint NOT NULL,
    at          timestamptz NOT NULL,
    actor       uuid NOT NULL,
    kind        text NOT NULL,
    step        text,
    from_status text,
    to_status   text,
    data        jsonb NOT NULL
);
CREATE INDEX events_by_eservice ON events (eservice_id, seq);

CREATE TABLE notifications (
    id          uuid PRIMARY KEY,
    -- Tie-breaker for notices written by one command at one instant.
    seq         bigserial NOT NULL,
    recipient   uuid NOT NULL REFERENCES users (id),
    at          timestamptz NOT NULL,
    kind        text NOT NULL,
    eservice_id uuid,
    title_th    text NOT NULL,
    title_en    text NOT NULL,
    body_th     text NOT NULL,
    body_en     text NOT NULL,
    read_at     timestamptz
);
CREATE INDEX notifications_by_recipient ON notifications (recipient, at DESC, seq DESC);

-- E-mails, written in the same transaction as the change that caused them (SPEC §8).
CREATE TABLE outbox (
    id              uuid PRIMARY KEY,
    seq             bigserial NOT NULL,
    recipient       text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    kind            text NOT NULL,
    created_at      timestamptz NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'sending', 'sent')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    sent_at         timestamptz
);
CREATE INDEX outbox_due ON outbox (created_at, seq) WHERE status <> 'sent';
CREATE INDEX outbox_by_creation ON outbox (created_at DESC, seq DESC);

-- File content, stored once per SHA-256.
CREATE TABLE blobs (
    sha256  text PRIMARY KEY,
    content bytea NOT NULL
);

CREATE TABLE files (
    id          uuid PRIMARY KEY,
    sha256      text NOT NULL REFERENCES blobs (sha256),
    name        text NOT NULL,
    media_type  text NOT NULL,
    size        bigint NOT NULL,
    width       integer,
    height      integer,
    uploaded_by uuid NOT NULL,
    agency_id   uuid,
    uploaded_at timestamptz NOT NULL
);

-- Dashboard counters (SPEC §7). Each command appends its changes to the *_delta tables
-- (insert-only, so concurrent commands never wait for each other on a hot counter row);
-- deltas are folded into the counters now and then. A count is counter + deltas.
CREATE TABLE dashboard_status (
    agency_id      uuid NOT NULL,
    current_step   text NOT NULL,
    current_status text NOT NULL,
    complete       boolean NOT NULL,
    n              bigint NOT NULL,
    PRIMARY KEY (agency_id, current_step, current_status, complete)
);
CREATE TABLE dashboard_status_delta (
    id             bigserial PRIMARY KEY,
    agency_id      uuid NOT NULL,
    current_step   text NOT NULL,
    current_status text NOT NULL,
    complete       boolean NOT NULL,
    n              bigint NOT NULL
);
CREATE TABLE dashboard_launch (
    agency_id uuid NOT NULL,
    launch_on date NOT NULL,
    n         bigint NOT NULL,
    PRIMARY KEY (agency_id, launch_on)
);
CREATE TABLE dashboard_launch_delta (
    id        bigserial PRIMARY KEY,
    agency_id uuid NOT NULL,
    launch_on date NOT NULL,
    n         bigint NOT NULL
);
