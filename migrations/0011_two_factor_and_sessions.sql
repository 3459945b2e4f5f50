-- Two-factor sign-in with an authenticator app (RFC 6238), its recovery codes,
-- the site's setting that requires it of staff, and each person's sessions.

-- One authenticator per person. The secret never leaves the server after it
-- was shown for setting up; `enabled_at` is NULL while the setup waits for a
-- first code from the app.
CREATE TABLE two_factor (
    user_id         bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret          bytea NOT NULL CHECK (length(secret) >= 16),
    created_at      timestamptz NOT NULL DEFAULT now(),
    enabled_at      timestamptz,
    -- The 30-second time step of the last code accepted: a code is good once,
    -- so a step is only accepted when it is later than this one.
    last_used_step  bigint NOT NULL DEFAULT 0
);

-- Single-use codes for when the app is lost. Only a hash is stored.
CREATE TABLE two_factor_recovery_codes (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_sha256  text NOT NULL,
    used_at      timestamptz,
    UNIQUE (user_id, code_sha256)
);

-- Settings of the whole site, one row.
CREATE TABLE site_settings (
    id                         boolean PRIMARY KEY DEFAULT true CHECK (id),
    -- Agents, trainers and admins must sign in with two factors.
    staff_two_factor_required  boolean NOT NULL DEFAULT false
);
INSERT INTO site_settings DEFAULT VALUES;

-- A signed-in session as its owner sees it on the account page. The session
-- itself is tower-sessions' (opaque data); its data holds `key`, and a
-- session whose row is gone ends at its next request.
CREATE TABLE account_sessions (
    id            bigserial PRIMARY KEY,
    key           text NOT NULL UNIQUE,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_agent    text NOT NULL DEFAULT '',
    ip            text NOT NULL DEFAULT '',
    -- The sign-in time the session carries (checked against sessions_valid_after).
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_sessions_user_idx ON account_sessions (user_id, last_seen_at);
