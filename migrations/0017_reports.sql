-- The weekly summary of the team reports: who gets it, and whom each week's
-- summary was queued for. The job claims (week, person) rows in the
-- transaction that queues the mails, so a restart neither loses a summary nor
-- sends one twice, and someone who chooses it mid-week still gets last week's.

CREATE TABLE weekly_summary_recipients (
    user_id    bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    chosen_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE weekly_summary_sent (
    -- The Monday the summarized week began, in the support calendar's zone.
    week_start  date NOT NULL,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    queued_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (week_start, user_id)
);
