-- 0002_dedupe_idempotency: the receiver's dedupe keys (PostgresDedupeStore) and the sender's
-- Idempotency-Key records (PostgresIdempotencyStore) (docs/postgres.md, "Dedupe store" and
-- "Idempotency-Key store"). Names are unqualified: migrate() sets `search_path` to the schema.
--
-- Times are epoch milliseconds as `double precision`, as in 0001. A row whose `expires_at_ms` is
-- at or before now counts as absent whether or not it was deleted yet; each store's purge deletes
-- such rows in bounded batches through the `expires_at_ms` index, oldest first.

-- One row per dedupe key a receiver holds: in progress under the token of the reservation that
-- took it (complete and release act only with that token), or done. Keys are event ids or SHA-256
-- digests of EUDR bodies, compared byte by byte ("C"), whatever the database's locale. Every
-- reserve, complete and release is one statement on one row, found by the primary key.
CREATE TABLE dedupe_keys (
  key text COLLATE "C" PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('in_progress', 'done')),
  token text NOT NULL,
  expires_at_ms double precision NOT NULL
);

-- The purge: expired rows, oldest first.
CREATE INDEX dedupe_keys_expires_idx ON dedupe_keys (expires_at_ms);

-- One row per Idempotency-Key scope (organization + method + route + key, docs/design.md §5.10):
-- in flight under the token of the `begin` that started it (random, made by the store; complete
-- and abandon act only with it), or completed with the response to replay. The headers are a JSON
-- array of [name, value] pairs: an array keeps the names' case and order, a jsonb object would
-- not; NULL when the response had none. The body may hold a one-time secret.
CREATE TABLE idempotency_records (
  scope text COLLATE "C" PRIMARY KEY,
  body_hash text NOT NULL,
  state text NOT NULL CHECK (state IN ('in_flight', 'completed')),
  token text NOT NULL,
  response_status integer,
  response_headers jsonb CHECK (jsonb_typeof(response_headers) = 'array'),
  response_body text,
  created_at_ms double precision NOT NULL,
  expires_at_ms double precision NOT NULL,
  CONSTRAINT idempotency_records_response CHECK (
    (state = 'completed') = (response_status IS NOT NULL AND response_body IS NOT NULL)
    AND (state = 'completed' OR response_headers IS NULL)
  )
);

-- The purge: expired records (in flight and completed alike), oldest first.
CREATE INDEX idempotency_records_expires_idx ON idempotency_records (expires_at_ms);
