-- An outbox row goes to an address, and names the account it was resolved from when there
-- is one, as in the SQLite schema: a bare address (the step-4 administrator, who may have no
-- account) is a row with `recipient` NULL. Until now `recipient` held the address itself.
ALTER TABLE outbox RENAME COLUMN recipient TO to_address;
ALTER TABLE outbox ADD COLUMN recipient uuid REFERENCES users (id);
ALTER TABLE outbox ADD COLUMN eservice_id uuid;
-- The part of the e-mail only its recipient may read (the initial password of a welcome
-- e-mail), as the notice marked it; listings hide it unless asked (SPEC §8).
ALTER TABLE outbox ADD COLUMN secret text;
