-- Support cases: the case itself, its thread, its history and its rating.

CREATE TABLE case_categories (
    id    bigserial PRIMARY KEY,
    name  text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 100)
);

INSERT INTO case_categories (name) VALUES
    ('Getting started'),
    ('Technical problem'),
    ('Account and access'),
    ('Orders and delivery'),
    ('Invoices and payment'),
    ('Other');

-- Case numbers are shown as C-1001, C-1002 ...
CREATE SEQUENCE case_number_seq START 1001;

CREATE TABLE cases (
    id                 bigserial PRIMARY KEY,
    number             bigint NOT NULL UNIQUE DEFAULT nextval('case_number_seq'),
    subject            text NOT NULL CHECK (length(btrim(subject)) BETWEEN 1 AND 200),
    description        text NOT NULL CHECK (length(description) <= 50000),
    category_id        bigint NOT NULL REFERENCES case_categories (id),
    priority           text NOT NULL DEFAULT 'normal'
                       CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status             text NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
    requester_id       bigint NOT NULL REFERENCES users (id),
    organization_id    bigint NOT NULL REFERENCES organizations (id),
    assignee_id        bigint REFERENCES users (id),
    -- Raised by every change; a change made against an older version is refused.
    version            integer NOT NULL DEFAULT 1,
    -- Who wrote the last public message: 'customer' or 'agent'.
    last_speaker       text NOT NULL DEFAULT 'customer' CHECK (last_speaker IN ('customer', 'agent')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    first_response_at  timestamptz,
    solved_at          timestamptz,
    closed_at          timestamptz
);
CREATE INDEX cases_organization_idx ON cases (organization_id, updated_at DESC, id DESC);
CREATE INDEX cases_requester_idx ON cases (requester_id, updated_at DESC, id DESC);
CREATE INDEX cases_status_idx ON cases (status, updated_at DESC, id DESC);
CREATE INDEX cases_assignee_idx ON cases (assignee_id, status, updated_at DESC);

-- The thread: public replies, and internal notes that only company staff see.
CREATE TABLE case_messages (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id),
    author_id   bigint NOT NULL REFERENCES users (id),
    internal    boolean NOT NULL DEFAULT false,
    body        text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 50000),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_messages_case_idx ON case_messages (case_id, created_at, id);

-- Who changed what, when, from and to.
CREATE TABLE case_events (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id),
    actor_id    bigint NOT NULL REFERENCES users (id),
    field       text NOT NULL,
    old_value   text,
    new_value   text,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_events_case_idx ON case_events (case_id, at, id);

-- The requester's satisfaction rating, once per case.
CREATE TABLE case_ratings (
    case_id     bigint PRIMARY KEY REFERENCES cases (id),
    score       smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment     text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    rated_at    timestamptz NOT NULL DEFAULT now()
);
