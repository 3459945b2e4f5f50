-- Links sent by e-mail (confirm a registration, reset a password, confirm a
-- new address) and the counters of the abuse limits.

-- One row per link sent. Only a SHA-256 of the token is stored, so a database
-- leak hands out no working link. A link is used at most once: using it sets
-- `used_at` in the same statement that checks it (see `db::email_links::take`).
CREATE TABLE email_links (
    id                 bigserial PRIMARY KEY,
    purpose            text NOT NULL
                       CHECK (purpose IN ('registration', 'password_reset', 'address_change')),
    token_sha256       text NOT NULL UNIQUE,
    -- The address the link was sent to (for an address change: the new one).
    email              text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    -- The account it is for; none yet for a registration.
    user_id            bigint REFERENCES users (id) ON DELETE CASCADE,
    -- A registration waits here until its address is confirmed: the account
    -- is only created then, so an unconfirmed address holds no account.
    display_name       text,
    organization_name  text,
    password_hash      text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    expires_at         timestamptz NOT NULL,
    used_at            timestamptz,
    CONSTRAINT email_links_registration_details CHECK (
        (purpose = 'registration') = (password_hash IS NOT NULL AND user_id IS NULL)
    )
);
CREATE INDEX email_links_user_idx ON email_links (user_id, purpose);
CREATE INDEX email_links_email_idx ON email_links (lower(email), purpose);

-- Fixed-window counters, one row per limited key (`sign_in_pair:<email>|<ip>`,
-- `new_case:<user>` ...). Counting is one upsert, so parallel requests and
-- several server processes all see the same count: none gets past the limit.
CREATE TABLE rate_limits (
    key           text PRIMARY KEY,
    window_start  timestamptz NOT NULL,
    window_secs   double precision NOT NULL CHECK (window_secs > 0),
    hits          integer NOT NULL
);
CREATE INDEX rate_limits_window_idx ON rate_limits (window_start);
