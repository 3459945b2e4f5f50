-- The version of its case that each history entry and message belongs to
-- (the version the change produced), so a refused stale change can say what
-- happened since the version the person saw. Older rows have none.
ALTER TABLE case_events ADD COLUMN version integer;
ALTER TABLE case_messages ADD COLUMN version integer;

-- Changes Rapport makes by itself (closing solved cases after some days) are
-- by no person: the history says so instead of naming the assignee.
ALTER TABLE case_events ALTER COLUMN actor_id DROP NOT NULL;
