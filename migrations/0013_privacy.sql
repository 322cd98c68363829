-- Privacy (Québec's Law 25): erasing a person's identity, and the retention of closed tickets.

-- When `entraide erase` removed the person's identity (name, email, password, sessions...). Their tickets and
-- replies stay, shown as written by "a former member".
ALTER TABLE users ADD COLUMN erased_at INTEGER;

-- When privacy.closed_ticket_retention_days removed the ticket's text (its description, replies, notes and
-- comment) and its files. Subject, category, dates and statuses stay for the figures.
ALTER TABLE tickets ADD COLUMN redacted_at INTEGER;

-- The retention pass reads closed tickets not yet redacted, oldest first (closed_at is set only while closed).
CREATE INDEX tickets_closed_unredacted ON tickets (closed_at) WHERE redacted_at IS NULL AND closed_at IS NOT NULL;

-- Files are stored once per content (data.dir/attachments/<aa>/<sha256>): one is deleted only when no attachment
-- row names it any more.
CREATE INDEX attachments_sha256 ON attachments (sha256);
