-- Search (SPEC §10) matches, contained and case-insensitively, the e-Service name, any of
-- its งานบริการ names, or its agency's Thai or English name. 0001 indexed the name only.

-- One row per service of an e-Service, lowercased like `eservices.name_fold` (by Rust's
-- str::to_lowercase, as the query is). Written in the statement of every create and of
-- every command that changes the services (the old rows are replaced). No unique key on
-- (eservice_id, position): that statement deletes the old rows and inserts the new ones
-- side by side, in an order PostgreSQL does not promise.
CREATE TABLE eservice_services (
    eservice_id uuid NOT NULL REFERENCES eservices (id),
    position    integer NOT NULL,
    name_fold   text NOT NULL
);
CREATE INDEX eservice_services_by_eservice ON eservice_services (eservice_id);
CREATE INDEX eservice_services_by_name ON eservice_services USING gin (name_fold gin_trgm_ops);

-- The services of existing e-Services, lowercased here by the database's lower(): the same
-- as Rust's for Thai (which has no case) and ASCII, and in a UTF-8 locale for nearly every
-- other letter.
INSERT INTO eservice_services (eservice_id, position, name_fold)
SELECT e.id, s.position, lower(s.name)
FROM eservices e,
     jsonb_array_elements_text(e.state -> 'services') WITH ORDINALITY AS s (name, position);

-- Agency names are matched in `agencies` itself at query time (a renamed agency is found
-- by its new names at once, whatever renamed it), through lower() like the rows above.
CREATE INDEX agencies_by_name ON agencies
    USING gin (lower(name_th) gin_trgm_ops, lower(name_en) gin_trgm_ops);
