-- Open pages hear about case changes within seconds, from whichever server
-- process made them: every change to a case, its thread or who is looking at
-- it is announced on the channel `rapport_cases` (see rapport_core::live).
-- Notifications are sent at commit, so a listener that reads the case then
-- sees the change. Statement-level triggers: a bulk change of many cases is
-- one "many" notification, not one per row.

CREATE FUNCTION rapport_announce_cases(kind text, changed_count bigint, rows json) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF changed_count > 50 THEN
        PERFORM pg_notify('rapport_cases', json_build_object('kind', 'many')::text);
    ELSE
        PERFORM pg_notify('rapport_cases', json_build_object(
                    'kind', kind,
                    'case', 'C-' || (r ->> 'number'),
                    'organization_id', (r ->> 'organization_id')::bigint,
                    'requester_id', (r ->> 'requester_id')::bigint)::text)
        FROM json_array_elements(rows) AS r;
    END IF;
END $$;

-- Cases opened or changed (status, assignee, priority, a reply raising the version...).
CREATE FUNCTION rapport_cases_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rapport_announce_cases('case', (SELECT count(*) FROM changed),
        (SELECT coalesce(json_agg(json_build_object('number', number,
                 'organization_id', organization_id, 'requester_id', requester_id)), '[]')
         FROM (SELECT DISTINCT number, organization_id, requester_id FROM changed LIMIT 51) c));
    RETURN NULL;
END $$;
CREATE TRIGGER cases_inserted AFTER INSERT ON cases
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rapport_cases_changed();
CREATE TRIGGER cases_updated AFTER UPDATE ON cases
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rapport_cases_changed();

-- Messages and internal notes added to a thread. (A note also raises the
-- case's version and time, which every reader of the case sees anyway.)
CREATE FUNCTION rapport_case_messages_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rapport_announce_cases('case', (SELECT count(DISTINCT case_id) FROM added),
        (SELECT coalesce(json_agg(json_build_object('number', c.number,
                 'organization_id', c.organization_id, 'requester_id', c.requester_id)), '[]')
         FROM cases c WHERE c.id IN (SELECT DISTINCT case_id FROM added LIMIT 51)));
    RETURN NULL;
END $$;
CREATE TRIGGER case_messages_added AFTER INSERT ON case_messages
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION rapport_case_messages_added();

-- Someone of the staff starts looking at a case: a first look, or the first
-- in a minute. The open page says it is still there every 20 seconds, and
-- those repeats are not news (else two open pages would wake each other).
CREATE FUNCTION rapport_case_viewers_arrived() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rapport_announce_cases('presence', 0,
        (SELECT coalesce(json_agg(json_build_object('number', c.number,
                 'organization_id', c.organization_id, 'requester_id', c.requester_id)), '[]')
         FROM cases c WHERE c.id IN (SELECT case_id FROM arrived)));
    RETURN NULL;
END $$;
CREATE FUNCTION rapport_case_viewers_returned() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rapport_announce_cases('presence', 0,
        (SELECT coalesce(json_agg(json_build_object('number', c.number,
                 'organization_id', c.organization_id, 'requester_id', c.requester_id)), '[]')
         FROM cases c WHERE c.id IN (
             SELECT b.case_id FROM before b
             WHERE b.seen_at < now() - interval '1 minute')));
    RETURN NULL;
END $$;
CREATE TRIGGER case_viewers_arrived AFTER INSERT ON case_viewers
    REFERENCING NEW TABLE AS arrived FOR EACH STATEMENT EXECUTE FUNCTION rapport_case_viewers_arrived();
CREATE TRIGGER case_viewers_returned AFTER UPDATE ON case_viewers
    REFERENCING OLD TABLE AS before FOR EACH STATEMENT EXECUTE FUNCTION rapport_case_viewers_returned();
