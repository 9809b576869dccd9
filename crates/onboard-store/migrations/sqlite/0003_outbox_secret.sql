-- The part of an e-mail only its recipient may read (the initial password of a welcome
-- e-mail), as the notice marked it; listings of the outbox hide it unless asked (SPEC §8).
-- Rows written before this column existed have none, so listings show them as they are.
ALTER TABLE outbox ADD COLUMN secret TEXT;
