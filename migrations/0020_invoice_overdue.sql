-- An open invoice that passed its due date is announced once in the change
-- sequence ("invoice.overdue"). A mark per invoice and due date says it was:
-- the job inserts the marks and records the changes in one transaction, so
-- two servers never announce the same invoice twice. A new due date (the
-- order system moved it) makes a new announcement when that one passes too.
CREATE TABLE invoice_overdue_marks (
    invoice_id   bigint NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    due_on       date NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (invoice_id, due_on)
);
