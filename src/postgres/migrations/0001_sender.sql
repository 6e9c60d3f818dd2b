-- 0001_sender: the tables of PostgresStorage, the sender's storage (docs/postgres.md, "The schema").
--
-- migrate() runs this file in one transaction under the migration lock, with `search_path` set to
-- the storage's schema (default novatrade_webhooks), so the names below are unqualified. To apply
-- it by hand, see docs/postgres.md, "Applying the migrations by hand".
--
-- Times are epoch milliseconds as `double precision`: the storage port's times are JavaScript
-- numbers, and float8 holds every one of them exactly (a bigint would turn a fraction of a
-- millisecond into an error). Statuses are checked; failure reasons are open enums, kept as text.
-- Ids and the other key columns are `COLLATE "C"`, as in 0002 and 0003: compared byte by byte,
-- whatever the database's locale, so their order and their indexes do not depend on it.

-- Claim turns (fair dispatch): each claim of an endpoint's delivery stamps the endpoint with the
-- next value, so "least recently claimed" spans claims, workers and machines. CACHE 1 (the
-- default) keeps the values in claim order across sessions.
CREATE SEQUENCE endpoint_turn_seq AS bigint;

-- The order deliveries became due, the tie-break between equal due times of one endpoint.
CREATE SEQUENCE delivery_due_seq AS bigint;

-- Lease tokens: each claim takes a new one, so a claim that lapsed and was taken over is told
-- apart from the claim that holds the delivery now (fencing).
CREATE SEQUENCE lease_token_seq AS bigint;

-- The three sequences are used in blocks: a statement takes one value v and numbers its rows
-- v * 16777216 + 1, + 2, … in its own order (a fan-out's deliveries, a claim's deliveries in claim
-- order), so one call to nextval orders a whole statement's rows after every earlier statement's.

-- One row per registered endpoint. `origin` is originOf(url) from @novatrade24/webhooks/sender,
-- written with the URL: the key of the per-origin room in claims. The row is updated by attempts
-- (health) but no health column is indexed: the fill factor leaves room on each page for those
-- updates to stay heap-only (HOT), without index writes.
CREATE TABLE endpoints (
  id text COLLATE "C" PRIMARY KEY,
  -- The order endpoints were stored: the tie-break of listEndpoints between equal creation times.
  seq bigint GENERATED ALWAYS AS IDENTITY,
  organization_uuid text COLLATE "C" NOT NULL,
  url text NOT NULL,
  origin text COLLATE "C" NOT NULL,
  description text,
  events text[] NOT NULL,
  partner_ids text[],
  accepted_schema_versions integer[] NOT NULL,
  status text NOT NULL CHECK (status IN ('ACTIVE', 'PAUSED', 'DISABLED')),
  -- [{ "secret": "whsec_…", "createdAtMs": n, "expiresAtMs": n | null }], newest first; replaced
  -- whole by an update.
  secrets jsonb NOT NULL,
  consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  failing_since_ms double precision,
  created_at_ms double precision NOT NULL,
  updated_at_ms double precision NOT NULL
) WITH (fillfactor = 80);

-- Each endpoint's turn in fair dispatch: `last_claimed` (0: never claimed) is stamped from
-- endpoint_turn_seq by every claim that takes one of its deliveries. A table of its own, written
-- only by claims: a claim locks delivery rows and then turn rows, never an endpoint row, so it
-- never waits for an attempt that holds the endpoint row and parks that endpoint's deliveries.
-- Created with its endpoint, deleted with it.
CREATE TABLE endpoint_turns (
  endpoint_id text COLLATE "C" PRIMARY KEY REFERENCES endpoints (id) ON DELETE CASCADE,
  last_claimed bigint NOT NULL DEFAULT 0
) WITH (fillfactor = 70);

-- listEndpoints: an organization's endpoints, oldest first.
CREATE INDEX endpoints_organization_idx ON endpoints (organization_uuid, created_at_ms, seq);

-- The per-origin room of a claim: the endpoints that share an origin (written only with the URL,
-- so claims and attempts still update the row heap-only).
CREATE INDEX endpoints_origin_idx ON endpoints (origin);

-- One row per published event, however many endpoints receive it. `data` is `json`, not `jsonb`:
-- it is stored as the producer's text (key order included) and never queried inside.
CREATE TABLE events (
  id text COLLATE "C" PRIMARY KEY,
  organization_uuid text COLLATE "C" NOT NULL,
  type text NOT NULL,
  schema_version integer NOT NULL,
  source text NOT NULL,
  partner_uuid text,
  created_at_ms double precision NOT NULL,
  data json NOT NULL
);

-- Retention: events older than the cutoff that have no delivery left.
CREATE INDEX events_created_idx ON events (created_at_ms);

-- One row per (event, endpoint): the delivery record, its schedule and its lease.
--
-- `endpoint_id` has no foreign key: history outlives a deleted endpoint. `next_attempt_at_ms` is
-- the record's due time (NULL once final); `due_at_ms` is when the row is next claimable: the due
-- time while unclaimed, the lease expiry while claimed (so nextDueAtMs is one index read), NULL
-- once final. `due_seq` breaks ties between equal due times: the order the delivery became due
-- (inserted, retried or released; a lapsed claim keeps it). `claimed` is true from a claim until
-- the attempt is recorded, the claim released, or a claim finds the lease lapsed and puts the row
-- back in line, in the place it had. A lease is `lease_owner` (the worker),
-- `lease_token` (from lease_token_seq) and `lease_until_ms`; it stays on the row after a lapse
-- until another claim replaces it, and on a delivery parked while its attempt is in flight, so
-- that attempt is still recorded.
CREATE TABLE deliveries (
  id text COLLATE "C" PRIMARY KEY,
  organization_uuid text COLLATE "C" NOT NULL,
  endpoint_id text COLLATE "C" NOT NULL,
  event_id text COLLATE "C" NOT NULL REFERENCES events (id),
  event_type text NOT NULL,
  schema_version integer NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at_ms double precision,
  due_at_ms double precision,
  due_seq bigint NOT NULL DEFAULT nextval('delivery_due_seq') * 16777216,
  claimed boolean NOT NULL DEFAULT false,
  first_attempt_at_ms double precision,
  last_attempt_at_ms double precision,
  last_status_code integer,
  last_failure_reason text,
  failure_reason text,
  test boolean NOT NULL DEFAULT false,
  replay_of text COLLATE "C",
  lease_owner text COLLATE "C",
  lease_token bigint,
  lease_until_ms double precision,
  created_at_ms double precision NOT NULL,
  updated_at_ms double precision NOT NULL,
  CONSTRAINT deliveries_pending_due CHECK (
    (status = 'PENDING') = (next_attempt_at_ms IS NOT NULL)
    AND (status = 'PENDING') = (due_at_ms IS NOT NULL)
  ),
  CONSTRAINT deliveries_lease_whole CHECK (
    (lease_owner IS NULL) = (lease_token IS NULL)
    AND (lease_token IS NULL) = (lease_until_ms IS NULL)
  )
);

-- The PENDING rows by when they are next claimable: nextDueAtMs (the smallest `due_at_ms`). Final
-- rows, the bulk of the table, are not in it.
CREATE INDEX deliveries_due_idx ON deliveries (due_at_ms) WHERE status = 'PENDING';

-- Per endpoint, its PENDING rows, the unclaimed ones in claim order (earliest due, then the order
-- they became due): a claim steps from one endpoint with pending work to the next (a skip scan on
-- the first column) and takes each endpoint's first rows, without reading the others' backlogs.
-- Parking an endpoint's pending work reads it too.
CREATE INDEX deliveries_endpoint_due_idx
  ON deliveries (endpoint_id, claimed, next_attempt_at_ms, due_seq) WHERE status = 'PENDING';

-- The claims, by lease expiry: a claim finds the lapsed ones here (as many as are in flight).
CREATE INDEX deliveries_lease_idx ON deliveries (lease_until_ms)
  WHERE status = 'PENDING' AND claimed;

-- History (listDeliveries): an organization's, an endpoint's or an event's deliveries.
CREATE INDEX deliveries_organization_created_idx ON deliveries (organization_uuid, created_at_ms, id);
CREATE INDEX deliveries_endpoint_created_idx ON deliveries (endpoint_id, created_at_ms, id);
CREATE INDEX deliveries_event_idx ON deliveries (event_id);

-- Retention (purgeBefore): final rows by last change, oldest first, in bounded batches.
CREATE INDEX deliveries_final_updated_idx ON deliveries (updated_at_ms) WHERE status <> 'PENDING';

-- One row per HTTP attempt, deleted with its delivery. `id` gives the order they were recorded
-- (listAttempts: first first); `attempt` is the record's number, not assumed unique.
CREATE TABLE attempts (
  delivery_id text COLLATE "C" NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  id bigint GENERATED ALWAYS AS IDENTITY,
  attempt integer NOT NULL,
  started_at_ms double precision NOT NULL,
  duration_ms double precision NOT NULL,
  status_code integer,
  failure_reason text,
  -- The first 4 KiB of the response body, decoded as UTF-8. `text` cannot hold U+0000: the storage
  -- writes each NUL as U+FFFD (docs/postgres.md, "The sender's storage").
  response_body text NOT NULL,
  PRIMARY KEY (delivery_id, id)
);
