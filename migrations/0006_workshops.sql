-- Workshops: a workshop is an article of the kind 'workshop' (the same editor,
-- revisions, review, audience and search), with sessions people register for.

ALTER TABLE article_revisions DROP CONSTRAINT article_revisions_kind_check;
ALTER TABLE article_revisions ADD CONSTRAINT article_revisions_kind_check
    CHECK (kind IN ('knowledge', 'training', 'workshop'));

-- The time zone a person reads times in (IANA name). Null: the browser's.
ALTER TABLE users ADD COLUMN time_zone text CHECK (length(time_zone) <= 64);

CREATE TABLE workshop_sessions (
    id                bigserial PRIMARY KEY,
    article_id        bigint NOT NULL REFERENCES articles (id),
    starts_at         timestamptz NOT NULL,
    -- The zone the session was planned in: a place keeps its local time.
    time_zone         text NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    duration_minutes  integer NOT NULL CHECK (duration_minutes BETWEEN 15 AND 1440),
    capacity          integer NOT NULL CHECK (capacity BETWEEN 1 AND 10000),
    place             text NOT NULL DEFAULT '' CHECK (length(place) <= 300),
    online_url        text NOT NULL DEFAULT '' CHECK (length(online_url) <= 500),
    status            text NOT NULL DEFAULT 'scheduled'
                      CHECK (status IN ('scheduled', 'cancelled', 'done')),
    -- Who gives it.
    trainer_id        bigint REFERENCES users (id),
    -- Raised by every change; an edit made against an older version is refused.
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (place <> '' OR online_url <> '')
);
CREATE INDEX workshop_sessions_article_idx ON workshop_sessions (article_id, starts_at);
CREATE INDEX workshop_sessions_upcoming_idx ON workshop_sessions (starts_at) WHERE status = 'scheduled';

-- A person's place in a session, or on its waitlist. The waitlist moves up in
-- the order people joined it (`created_at`, then `id`).
CREATE TABLE workshop_registrations (
    id            bigserial PRIMARY KEY,
    session_id    bigint NOT NULL REFERENCES workshop_sessions (id),
    user_id       bigint NOT NULL REFERENCES users (id),
    status        text NOT NULL CHECK (status IN ('registered', 'waitlisted', 'cancelled')),
    -- The moment of the insert, which happens while the session row is locked
    -- (not the start of the transaction, as now() would be): the waitlist order
    -- is the order in which people got the lock.
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    promoted_at   timestamptz,
    cancelled_at  timestamptz,
    -- Marked by the trainer after the session; null until then.
    attended      boolean
);
-- One live registration per person and session (a cancelled one may be followed by a new one).
CREATE UNIQUE INDEX workshop_registrations_live_key
    ON workshop_registrations (session_id, user_id) WHERE status <> 'cancelled';
CREATE INDEX workshop_registrations_session_idx
    ON workshop_registrations (session_id, status, created_at, id);
CREATE INDEX workshop_registrations_user_idx ON workshop_registrations (user_id, status);

-- An iCalendar file sent with a mail (registration confirmations, cancellations).
ALTER TABLE outbound_mails ADD COLUMN calendar text;
