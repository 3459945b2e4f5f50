-- The knowledge base and training material: articles with every saved revision,
-- "was this helpful?" votes, the search log and deflected cases.

-- A small tree of categories (two levels in practice).
CREATE TABLE article_categories (
    id           bigserial PRIMARY KEY,
    parent_id    bigint REFERENCES article_categories (id),
    slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    position     integer NOT NULL DEFAULT 0
);

-- An article is its stable address plus a pointer to the revision readers see.
-- `state` is where its newest revision stands: a published article edited as a
-- draft keeps serving `published_revision_id` until the new revision is published.
-- Readers see an article when it has a published revision and is not archived.
CREATE TABLE articles (
    id                     bigserial PRIMARY KEY,
    slug                   text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    state                  text NOT NULL DEFAULT 'draft'
                           CHECK (state IN ('draft', 'in_review', 'published', 'archived')),
    -- An article meant for one organization only (null: for everyone its audience allows).
    organization_id        bigint REFERENCES organizations (id),
    author_id              bigint REFERENCES users (id),
    reviewer_id            bigint REFERENCES users (id),
    latest_revision_id     bigint,
    published_revision_id  bigint,
    -- Imported from content/: the file it came from and the hash of what was imported.
    source_path            text UNIQUE,
    source_hash            text,
    view_count             bigint NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    published_at           timestamptz
);

-- Every save is a revision; nothing here is ever updated or deleted.
CREATE TABLE article_revisions (
    id           bigserial PRIMARY KEY,
    article_id   bigint NOT NULL REFERENCES articles (id),
    number       integer NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('knowledge', 'training')),
    title        text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    summary      text NOT NULL CHECK (length(summary) <= 300),
    body         text NOT NULL CHECK (length(body) <= 200000),
    category_id  bigint NOT NULL REFERENCES article_categories (id),
    tags         text[] NOT NULL DEFAULT '{}',
    audience     text NOT NULL CHECK (audience IN ('public', 'customers', 'internal')),
    author_id    bigint REFERENCES users (id),
    -- What the author said about this save ("Imported from content/…", "Restored revision 3").
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 300),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (article_id, number)
);

ALTER TABLE articles
    ADD CONSTRAINT articles_latest_revision_fk FOREIGN KEY (latest_revision_id) REFERENCES article_revisions (id),
    ADD CONSTRAINT articles_published_revision_fk FOREIGN KEY (published_revision_id) REFERENCES article_revisions (id);

-- The pages readers see: published, not archived.
CREATE INDEX articles_live_idx ON articles (published_revision_id) WHERE state <> 'archived' AND published_revision_id IS NOT NULL;
CREATE INDEX article_revisions_category_idx ON article_revisions (category_id);
CREATE INDEX articles_popular_idx ON articles (view_count DESC, id);

-- "Was this helpful?": one vote per person and revision.
CREATE TABLE article_votes (
    revision_id  bigint NOT NULL REFERENCES article_revisions (id),
    user_id      bigint NOT NULL REFERENCES users (id),
    article_id   bigint NOT NULL REFERENCES articles (id),
    helpful      boolean NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (revision_id, user_id)
);
CREATE INDEX article_votes_article_idx ON article_votes (article_id);

-- Every search: what was asked, how many hits, what was opened, and whether a
-- case was filed soon after. A trainer's list of what to write next.
CREATE TABLE search_log (
    id                  bigserial PRIMARY KEY,
    query               text NOT NULL CHECK (length(query) <= 500),
    -- Lower-cased, spaces collapsed: how searches are grouped in reports.
    normalized          text NOT NULL CHECK (length(normalized) <= 500),
    hits                integer NOT NULL,
    -- 'search' (the search page) or 'new_case' (suggestions while opening a case).
    source              text NOT NULL CHECK (source IN ('search', 'new_case')),
    user_id             bigint REFERENCES users (id),
    clicked_article_id  bigint REFERENCES articles (id),
    case_id             bigint REFERENCES cases (id),
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX search_log_created_idx ON search_log (created_at);
CREATE INDEX search_log_user_idx ON search_log (user_id, created_at DESC) WHERE user_id IS NOT NULL;

-- "This solved my problem" on a suggested article: a case that was not filed.
CREATE TABLE deflections (
    id          bigserial PRIMARY KEY,
    article_id  bigint NOT NULL REFERENCES articles (id),
    user_id     bigint NOT NULL REFERENCES users (id),
    query       text NOT NULL CHECK (length(query) <= 500),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deflections_created_idx ON deflections (created_at);
