-- The REST API: tokens that other systems sign in with, and the change
-- sequence that the incremental export (`/api/v1/changes`) and the webhooks
-- read.

-- A token acts as its owner, narrowed to its scopes. Only the SHA-256 of the
-- secret is kept; the prefix ("rpt_" and eight characters) is what people see
-- in lists and logs, to tell their tokens apart.
CREATE TABLE api_tokens (
    id               bigserial PRIMARY KEY,
    owner_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Set for a customer admin's token: it never reaches another organization.
    organization_id  bigint REFERENCES organizations (id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    prefix           text NOT NULL UNIQUE,
    secret_hash      text NOT NULL UNIQUE,
    scopes           text[] NOT NULL CHECK (cardinality(scopes) > 0),
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz,
    last_used_at     timestamptz,
    revoked_at       timestamptz
);
CREATE INDEX api_tokens_owner_idx ON api_tokens (owner_id, created_at DESC);

-- Every change another system may want, once, in the order the changes were
-- committed. Writers take the one row of `change_counter` (FOR UPDATE) in the
-- changing transaction, so numbers are handed out in commit order with no
-- gaps: a reader that has seen change N has seen every change before it.
CREATE TABLE change_counter (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    last_seq  bigint NOT NULL
);
INSERT INTO change_counter (last_seq) VALUES (0);

CREATE TABLE changes (
    seq              bigint PRIMARY KEY,
    at               timestamptz NOT NULL DEFAULT now(),
    -- The webhook event type: 'case.created', 'case.updated', 'case.replied',
    -- 'case.solved', 'case.deleted', 'message.created', 'article.published',
    -- 'article.updated', 'article.deleted', 'registration.changed',
    -- 'invoice.overdue', 'order.upserted', 'organization.deleted', ...
    event            text NOT NULL,
    -- What changed: 'case', 'message', 'article', 'registration', 'order',
    -- 'invoice', 'delivery', 'product', 'organization', 'user'.
    entity           text NOT NULL,
    entity_id        bigint NOT NULL,
    deleted          boolean NOT NULL DEFAULT false,
    -- Whose it is: a customer admin's token sees only its organization's
    -- rows, and never a staff-only one (an internal note).
    organization_id  bigint,
    staff_only       boolean NOT NULL DEFAULT false,
    -- Webhooks to one endpoint are delivered in order per case.
    case_id          bigint,
    -- What a receiver needs without a second call (numbers, statuses).
    data             jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX changes_organization_idx ON changes (organization_id, seq);
