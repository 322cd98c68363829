-- Indexes found by the help desk benchmark (docs/PERFORMANCE.md): the hourly limit per person counts a
-- person's recent tickets; auto-closing looks for resolved tickets by date; the queue reads open tickets.
CREATE INDEX tickets_opened_by ON tickets (opened_by, created_at);
CREATE INDEX tickets_resolved ON tickets (status, resolved_at);
ANALYZE;
