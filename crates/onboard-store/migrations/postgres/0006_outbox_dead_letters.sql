-- Dead letters (SPEC §8): an e-mail refused permanently or failing for 24 hours becomes
-- `failed` instead of being retried forever, until an admin queues it again.
-- `failing_since` is the first failed try of the current 24-hour window (NULL while none
-- has failed; a retry closes it again).
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'failed'));
ALTER TABLE outbox ADD COLUMN failing_since timestamptz;
-- The claim's index covers what a worker may still claim; dead letters join sent e-mails
-- outside it.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (created_at, seq) WHERE status IN ('pending', 'sending');
