-- The version of its case that each history entry and message belongs to
-- (the version the change produced), so a refused stale change can say what
-- happened since the version the person saw. Older rows have none.
ALTER TABLE case_events ADD COLUMN version integer;
ALTER TABLE case_messages ADD COLUMN version integer;

-- Changes Rapport makes by itself (closing solved cases after some days) are
-- by no person: the history says so instead of naming the assignee.
ALTER TABLE case_events ALTER COLUMN actor_id DROP NOT NULL;

-- The business time a case has waited for the customer so far (its SLA clock
-- stood still): a new priority's deadline counts from the opening plus this,
-- whatever targets or calendar were in force before.
ALTER TABLE cases ADD COLUMN sla_waited_seconds bigint NOT NULL DEFAULT 0
    CHECK (sla_waited_seconds >= 0);

-- "Solved this week" now counts by when a case was solved: the index that
-- answers the queue sizes without reading the table carries that column too.
DROP INDEX cases_not_closed_idx;
CREATE INDEX cases_not_closed_idx ON cases
    (status, assignee_id, updated_at, resolution_due_at, first_response_due_at,
     first_response_at, solved_at)
    WHERE status <> 'closed';
