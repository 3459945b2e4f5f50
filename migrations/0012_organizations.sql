-- Organizations a real team can run: unique names, invitations by e-mail,
-- merges, and the author's role kept on each message.

-- Organization names are unique regardless of case and surrounding spaces.
-- Duplicates that exist already keep their oldest holder's name; the others
-- get " (2)", " (3)" ... so that this index can be built on any database.
DO $$
DECLARE
    dup record;
    n integer;
    candidate text;
BEGIN
    FOR dup IN
        SELECT id, btrim(name) AS name FROM (
            SELECT id, name,
                   row_number() OVER (PARTITION BY lower(btrim(name)) ORDER BY id) AS rank
            FROM organizations
        ) ranked
        WHERE rank > 1
        ORDER BY id
    LOOP
        n := 2;
        LOOP
            candidate := left(dup.name, 180) || ' (' || n || ')';
            EXIT WHEN NOT EXISTS (
                SELECT 1 FROM organizations WHERE lower(btrim(name)) = lower(candidate)
            );
            n := n + 1;
        END LOOP;
        UPDATE organizations SET name = candidate WHERE id = dup.id;
    END LOOP;
END
$$;
CREATE UNIQUE INDEX organizations_name_key ON organizations (lower(btrim(name)));

-- An invitation goes by e-mail to one address and only that address can use it.
-- Resending gives the same row a new token (the old link stops working) and a
-- new expiry; revoking ends it.
ALTER TABLE invitations
    ADD COLUMN email      text CHECK (length(email) BETWEEN 3 AND 254),
    ADD COLUMN sent_at    timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN revoked_at timestamptz,
    ADD COLUMN revoked_by bigint REFERENCES users (id);
UPDATE invitations SET sent_at = created_at;
-- Links made before invitations were bound to an address stop working.
UPDATE invitations SET revoked_at = now()
WHERE email IS NULL AND accepted_at IS NULL AND revoked_at IS NULL;
-- One invitation in progress per address and organization: inviting the same
-- address again sends that one again.
CREATE UNIQUE INDEX invitations_pending_key ON invitations (organization_id, lower(email))
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- A message's author's role when it was written: the "Staff" badge comes from
-- this, so neither a name nor a later change of role can fake or move it.
ALTER TABLE case_messages ADD COLUMN author_role text;
UPDATE case_messages m SET author_role = u.role FROM users u WHERE u.id = m.author_id;
ALTER TABLE case_messages ALTER COLUMN author_role SET NOT NULL;
CREATE FUNCTION case_message_author_role() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.author_role := (SELECT role FROM users WHERE id = NEW.author_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER case_messages_author_role BEFORE INSERT ON case_messages
    FOR EACH ROW EXECUTE FUNCTION case_message_author_role();

-- Merging organizations moves orders; their invoices and deliveries, which
-- prove they belong to the order's organization, follow it.
ALTER TABLE invoices
    DROP CONSTRAINT invoices_order_id_organization_id_fkey,
    ADD CONSTRAINT invoices_order_id_organization_id_fkey
        FOREIGN KEY (order_id, organization_id) REFERENCES orders (id, organization_id)
        ON UPDATE CASCADE;
ALTER TABLE deliveries
    DROP CONSTRAINT deliveries_order_id_organization_id_fkey,
    ADD CONSTRAINT deliveries_order_id_organization_id_fkey
        FOREIGN KEY (order_id, organization_id) REFERENCES orders (id, organization_id)
        ON UPDATE CASCADE;
