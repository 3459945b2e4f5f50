-- Reports: what each case's life measured, and the backlog of every past day.
--
-- `case_metrics` is written in the transaction of every change to a case (see
-- `reports::metrics::record`), from the case's own history, so it is never
-- out of step with it. Durations need the support calendar (opening hours in
-- its time zone, holidays, daylight saving), which the Rust clock in `sla.rs`
-- computes; so this migration only creates the table, and `rapport` fills the
-- rows of cases that have none, from their history, before it serves
-- (`reports::metrics::fill_missing`, run with the migrations).

CREATE TABLE case_metrics (
    case_id                            bigint PRIMARY KEY REFERENCES cases (id),
    -- The first public answer by support.
    first_response_at                  timestamptz,
    -- The first time the case was solved, and the last (None while unsolved or
    -- reopened): "final" is the one that stuck.
    first_resolution_at                timestamptz,
    final_resolution_at                timestamptz,
    -- How often it was reopened after being solved or closed.
    reopens                            integer NOT NULL DEFAULT 0,
    -- Public messages on each side (the description counts for the customer).
    customer_replies                   integer NOT NULL DEFAULT 0,
    agent_replies                      integer NOT NULL DEFAULT 0,
    -- Staff who wrote on or changed the case.
    agents_touched                     bigint[] NOT NULL DEFAULT '{}',
    -- Who solved it last (the actor of the final change to solved).
    solved_by                          bigint REFERENCES users (id),
    -- Durations from the opening, in seconds of calendar time and of business
    -- time (the SLA calendar's opening hours). Resolution in business time
    -- leaves out the time the case waited for the customer (pending), as the
    -- SLA clock does; in calendar time it is all the time from opening to solved.
    first_response_seconds             bigint,
    first_response_business_seconds    bigint,
    first_resolution_seconds           bigint,
    first_resolution_business_seconds  bigint,
    final_resolution_seconds           bigint,
    final_resolution_business_seconds  bigint,
    -- Time spent waiting for the customer, in business seconds.
    pending_business_seconds           bigint NOT NULL DEFAULT 0,
    -- Were the SLA targets met? None while the answer is still to come and
    -- not yet late.
    first_response_met                 boolean,
    resolution_met                     boolean,
    computed_at                        timestamptz NOT NULL DEFAULT now()
);
-- Reports by who solved (per agent) and by when it was solved.
CREATE INDEX case_metrics_final_resolution_idx ON case_metrics (final_resolution_at)
    WHERE final_resolution_at IS NOT NULL;
CREATE INDEX case_metrics_solved_by_idx ON case_metrics (solved_by, final_resolution_at)
    WHERE solved_by IS NOT NULL;
-- Reports read cases by when they were opened.
CREATE INDEX cases_created_idx ON cases (created_at, id);

-- The backlog (cases waiting: new, open, pending, on hold) at the end of each
-- day in the support calendar's time zone, counted by its dimensions. A
-- background job writes yesterday's (and any day it missed, from the case
-- history) so a restart or a pause loses nothing.
CREATE TABLE backlog_snapshots (
    day              date NOT NULL,
    status           text NOT NULL CHECK (status IN ('new', 'open', 'pending', 'on_hold')),
    priority         text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    category_id      bigint NOT NULL REFERENCES case_categories (id),
    -- No foreign key: merging organizations moves these rows (adding up the
    -- counts), see `db::organizations::merge`.
    organization_id  bigint NOT NULL,
    -- 0: unassigned (a primary key column cannot be NULL).
    assignee_id      bigint NOT NULL DEFAULT 0,
    cases            integer NOT NULL CHECK (cases > 0),
    PRIMARY KEY (day, status, priority, category_id, organization_id, assignee_id)
);
-- The days written: a day with an empty backlog has no rows above but one here.
CREATE TABLE backlog_snapshot_days (
    day         date PRIMARY KEY,
    written_at  timestamptz NOT NULL DEFAULT now()
);
