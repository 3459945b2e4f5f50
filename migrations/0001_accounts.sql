-- Accounts, organizations, sessions and the security audit trail.
-- Migrations are never edited once landed: add a new numbered file instead.

CREATE TABLE organizations (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id                    bigserial PRIMARY KEY,
    email                 text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    display_name          text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 100),
    role                  text NOT NULL
                          CHECK (role IN ('customer', 'customer_admin', 'agent', 'trainer', 'admin')),
    organization_id       bigint REFERENCES organizations (id),
    password_hash         text NOT NULL,
    disabled              boolean NOT NULL DEFAULT false,
    -- Sessions that began before this instant are no longer honoured
    -- (set when a user is disabled or changes their password).
    sessions_valid_after  timestamptz NOT NULL DEFAULT '1970-01-01 00:00:00+00',
    created_at            timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at       timestamptz,
    -- Customers always belong to exactly one organization; company staff never do.
    CONSTRAINT users_organization_matches_role CHECK (
        (role IN ('customer', 'customer_admin')) = (organization_id IS NOT NULL)
    )
);

-- E-mail addresses are unique regardless of case.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE INDEX users_organization_idx ON users (organization_id);

-- An invitation link from a customer admin to a colleague. Only a hash of the
-- token is stored, so a database leak does not hand out working links.
CREATE TABLE invitations (
    id               bigserial PRIMARY KEY,
    token_sha256     text NOT NULL UNIQUE,
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    invited_by       bigint NOT NULL REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    accepted_by      bigint REFERENCES users (id),
    accepted_at      timestamptz
);
CREATE INDEX invitations_organization_idx ON invitations (organization_id);

-- Security events: sign-ins, failed sign-ins, role changes, disabling.
-- Failed sign-ins here are also what the sign-in rate limit counts, so the limit
-- holds across several server processes and restarts.
CREATE TABLE audit_events (
    id               bigserial PRIMARY KEY,
    at               timestamptz NOT NULL DEFAULT now(),
    kind             text NOT NULL,
    actor_user_id    bigint REFERENCES users (id),
    subject_user_id  bigint REFERENCES users (id),
    email            text,
    ip               text,
    detail           text NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_email_idx ON audit_events (kind, lower(email), at);
CREATE INDEX audit_events_ip_idx ON audit_events (kind, ip, at);

-- The session table of tower-sessions' PostgreSQL store, created here so that one
-- migration run prepares everything (the store's own `migrate` is not called).
CREATE SCHEMA IF NOT EXISTS tower_sessions;
CREATE TABLE IF NOT EXISTS tower_sessions.session (
    id           text PRIMARY KEY NOT NULL,
    data         bytea NOT NULL,
    expiry_date  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS session_expiry_idx ON tower_sessions.session (expiry_date);
