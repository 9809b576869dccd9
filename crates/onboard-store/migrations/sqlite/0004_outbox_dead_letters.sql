-- Dead letters (SPEC §8): an e-mail refused permanently or failing for 24 hours becomes
-- `failed` instead of being retried forever, until an admin queues it again.
-- `failing_since` is the first failed try of the current 24-hour window (NULL while none
-- has failed; a retry closes it again).
--
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt with the same
-- columns in the same order (the ids and `seq` are kept, and so is the AUTOINCREMENT
-- counter, so a new row never reuses a number).
CREATE TABLE outbox_new (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    recipient       TEXT,
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    eservice_id     TEXT,
    created_at      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    sent_at         TEXT,
    secret          TEXT,
    failing_since   TEXT
);
INSERT INTO outbox_new (seq, id, recipient, to_address, subject, body, kind, eservice_id,
                        created_at, status, attempts, next_attempt_at, last_error, sent_at,
                        secret)
SELECT seq, id, recipient, to_address, subject, body, kind, eservice_id, created_at, status,
       attempts, next_attempt_at, last_error, sent_at, secret
FROM outbox;
UPDATE sqlite_sequence
SET seq = MAX(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'outbox'))
WHERE name = 'outbox_new' AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox');
INSERT INTO sqlite_sequence (name, seq)
SELECT 'outbox_new', seq FROM sqlite_sequence
WHERE name = 'outbox' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox_new');
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_created ON outbox (created_at DESC, seq DESC);
