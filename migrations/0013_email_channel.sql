-- E-mail both ways (cases from mail, replies by mail, notifications that
-- thread), followers, cases filed by agents on behalf of customers.

-- Where a case came from.
ALTER TABLE cases ADD COLUMN channel text NOT NULL DEFAULT 'portal'
    CHECK (channel IN ('portal', 'email', 'phone', 'agent'));

-- People made by mail or by an agent for a customer ("contacts") have no
-- password yet: `password_hash` holds a value no password matches, and
-- "Forgot your password?" (a link to their address) is how they claim the account.
ALTER TABLE users ADD COLUMN contact boolean NOT NULL DEFAULT false;

-- An unknown sender whose address is at one of these domains joins that
-- organization. Edited by admins; a domain belongs to one organization.
CREATE TABLE organization_domains (
    domain           text PRIMARY KEY
                     CHECK (domain = lower(domain) AND length(domain) BETWEEN 3 AND 253),
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    added_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organization_domains_org_idx ON organization_domains (organization_id);

-- What happens to mail from a sender that is neither known nor at a known
-- domain: refused with an auto-reply, or kept as an unverified contact in the
-- "unsorted" organization for agents to file.
ALTER TABLE site_settings ADD COLUMN unknown_senders text NOT NULL DEFAULT 'refuse'
    CHECK (unknown_senders IN ('refuse', 'unsorted'));

-- Followers (Cc) of a case: they get its public replies by mail, and their
-- mailed replies are accepted as theirs.
CREATE TABLE case_followers (
    case_id   bigint NOT NULL REFERENCES cases (id),
    user_id   bigint NOT NULL REFERENCES users (id),
    added_by  bigint REFERENCES users (id),
    added_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_followers_user_idx ON case_followers (user_id);

-- Every message that came in, raw, before anything else is done with it:
-- the same bytes twice are one row (idempotent), and a message that could
-- not be processed stays here with the reason, for admins to see and retry.
CREATE TABLE inbound_mails (
    id            bigserial PRIMARY KEY,
    sha256        bytea NOT NULL UNIQUE,
    raw           bytea NOT NULL,
    source        text NOT NULL CHECK (source IN ('imap', 'pipe')),
    received_at   timestamptz NOT NULL DEFAULT now(),
    -- Filled by processing (from the headers), for the admins' list.
    message_id    text,
    from_address  text,
    subject       text,
    state         text NOT NULL DEFAULT 'received'
                  CHECK (state IN ('received', 'processed', 'ignored', 'refused', 'failed')),
    -- What processing did or why it did nothing: "reply on C-1042",
    -- "auto-reply: not answered", "the sender is not known".
    outcome       text NOT NULL DEFAULT '',
    case_id       bigint REFERENCES cases (id),
    processed_at  timestamptz
);
CREATE INDEX inbound_mails_waiting_idx ON inbound_mails (id) WHERE state IN ('received', 'failed');
CREATE INDEX inbound_mails_message_id_idx ON inbound_mails (message_id);

-- Every Message-ID we sent or stored, with its case: threading by
-- In-Reply-To and References looks them up.
CREATE TABLE mail_message_ids (
    message_id       text PRIMARY KEY,
    case_id          bigint NOT NULL REFERENCES cases (id),
    case_message_id  bigint REFERENCES case_messages (id),
    direction        text NOT NULL CHECK (direction IN ('in', 'out')),
    at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mail_message_ids_case_idx ON mail_message_ids (case_id);

-- A message that came by mail: where from, and the quoted history cut off
-- its end (shown behind "show quoted text").
ALTER TABLE case_messages ADD COLUMN inbound_mail_id bigint REFERENCES inbound_mails (id);
ALTER TABLE case_messages ADD COLUMN quoted text NOT NULL DEFAULT ''
    CHECK (length(quoted) <= 200000);

-- Outgoing mail gains an HTML part, threading headers, a signed reply address,
-- the Auto-Submitted mark of automatic mail, and the case it belongs to.
ALTER TABLE outbound_mails
    ADD COLUMN html_body      text,
    ADD COLUMN message_id     text,
    ADD COLUMN in_reply_to    text,
    ADD COLUMN "references"   text,
    ADD COLUMN reply_to       text,
    ADD COLUMN auto_submitted text CHECK (auto_submitted IN ('auto-generated', 'auto-replied')),
    ADD COLUMN case_id        bigint REFERENCES cases (id);

-- Addresses whose mail bounces (from delivery-status reports), shown to agents.
CREATE TABLE bouncing_addresses (
    address     text PRIMARY KEY CHECK (address = lower(address)),
    since       timestamptz NOT NULL DEFAULT now(),
    last_at     timestamptz NOT NULL DEFAULT now(),
    reason      text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000)
);

-- Which mails an agent gets. A "queue" an agent follows is a case category.
CREATE TABLE agent_mail_settings (
    user_id             bigint PRIMARY KEY REFERENCES users (id),
    new_case_followed   boolean NOT NULL DEFAULT true,
    assigned_to_me      boolean NOT NULL DEFAULT true,
    customer_replied    boolean NOT NULL DEFAULT true,
    mentioned           boolean NOT NULL DEFAULT true
);
CREATE TABLE agent_followed_categories (
    user_id      bigint NOT NULL REFERENCES users (id),
    category_id  bigint NOT NULL REFERENCES case_categories (id),
    PRIMARY KEY (user_id, category_id)
);
