-- Secret keys every server process shares, each made once by the first
-- process that needs it (see rapport_core::db::site_keys). The first: the
-- key that signs the errors a redirect carries back to a form (`__err`), so
-- a page only shows errors the server wrote.
CREATE TABLE site_keys (
    name text PRIMARY KEY,
    secret bytea NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
