-- Account health counts the cases open at a moment: those still active, and
-- those solved or closed after it. This index finds the second kind without
-- reading every finished case (the health list's statement went from about
-- 340 to 230 ms at 100,000 cases and 10,000 organizations).
CREATE INDEX cases_ended_idx ON cases ((coalesce(solved_at, closed_at)))
    WHERE status IN ('solved', 'closed');
