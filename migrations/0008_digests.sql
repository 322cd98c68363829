-- Digests: the "I'll take it" links of the volunteer digest, and when each article first appeared (the group
-- digest tells new articles from updated ones; the coordinator summary counts the articles added).

-- One row per link in a digest: the random token itself is only in the email; here its SHA-256, so a copy of
-- the database cannot claim anything. Single use (used_at), bound to one volunteer and one ticket, 7 days.
CREATE TABLE take_links (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id),
  ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
CREATE INDEX take_links_expiry ON take_links (expires_at);

-- imported_at changes whenever an article's file changes; created_at is when it was first imported.
ALTER TABLE articles ADD COLUMN created_at TEXT;
UPDATE articles SET created_at = imported_at;
CREATE TRIGGER articles_created_at AFTER INSERT ON articles
BEGIN
  UPDATE articles SET created_at = NEW.imported_at WHERE id = NEW.id;
END;
CREATE INDEX articles_imported ON articles (imported_at);
