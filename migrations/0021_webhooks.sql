-- Webhooks: subscriptions of other systems to the change sequence
-- (`changes`, 0019), the deliveries fanned out of it, and each try.

-- An admin's subscription. The secret (`whsec_` and base64 of 32 random
-- bytes) signs every request; it is shown once and kept, since signing
-- needs it. After a rotation the previous secret signs too until
-- `previous_secret_until` (24 hours), so receivers can switch over.
CREATE TABLE webhook_subscriptions (
    id                     bigserial PRIMARY KEY,
    owner_id               bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url                    text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    events                 text[] NOT NULL CHECK (cardinality(events) > 0),
    description            text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    secret                 text NOT NULL,
    previous_secret        text,
    previous_secret_until  timestamptz,
    -- The admin page shows a new secret once, on the page its form leads to
    -- (a plain form post cannot carry it): false until then.
    secret_shown           boolean NOT NULL DEFAULT true,
    active                 boolean NOT NULL DEFAULT true,
    -- Why it is paused: 'manual', 'failing' (3 days without a success) or
    -- 'gone' (the receiver answered 410 Gone).
    paused_reason          text CHECK (paused_reason IN ('manual', 'failing', 'gone')),
    -- The first failed try since the last success; NULL when all is well.
    failing_since          timestamptz,
    -- Only changes after this one are delivered (the head when it was made).
    start_seq              bigint NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_subscriptions_active_idx ON webhook_subscriptions (id) WHERE active;

-- How far the fan-out has read `changes`. One row, locked by the fan-out
-- transaction that reads the next changes, inserts their deliveries and
-- moves it on: a crash rolls all three back, so nothing is lost or doubled.
CREATE TABLE webhook_cursor (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    last_seq  bigint NOT NULL
);
-- Changes made before webhooks existed are not delivered.
INSERT INTO webhook_cursor (last_seq) SELECT last_seq FROM change_counter;

-- One event for one subscription. The body is fixed when the delivery is
-- made, so every try sends the same bytes under the same `webhook-id`.
CREATE TABLE webhook_deliveries (
    id               bigserial PRIMARY KEY,
    subscription_id  bigint NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    -- `webhook-id`: the same on every try and on a replay.
    message_id       text NOT NULL,
    change_seq       bigint,
    event            text NOT NULL,
    -- Deliveries of one subscription and one case go out in order (by id).
    case_id          bigint,
    body             text NOT NULL,
    state            text NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'delivered', 'failed')),
    -- Tries of this delivery so far (a replay is a new delivery).
    tries            integer NOT NULL DEFAULT 0,
    next_try_at      timestamptz NOT NULL DEFAULT now(),
    last_status      integer,
    last_try_at      timestamptz,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_try_at)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_case_idx ON webhook_deliveries (subscription_id, case_id, id)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (subscription_id, id DESC);

-- Every try: when, the HTTP status (NULL when no answer came: refused,
-- timed out), how long, and the first 500 bytes of the answer.
CREATE TABLE webhook_attempts (
    id            bigserial PRIMARY KEY,
    delivery_id   bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at            timestamptz NOT NULL DEFAULT now(),
    status        integer,
    duration_ms   integer NOT NULL,
    response      text NOT NULL DEFAULT '',
    error         text
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id);
