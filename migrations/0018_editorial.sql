-- The library edited online (#18): editors, every version of an article, what import last read of each file.
--
-- `articles` stays what is served (one row per language and slug, rendered HTML); `article_revisions` keeps every
-- version anyone saved, imported or restored, as the whole file (front matter and Markdown: what export-content
-- writes). A draft or a proposed change is a revision in state 'pending' and nothing else: no `articles` row
-- changes until an editor publishes it, so no page, feed, search or digest can show it.

-- A volunteer a coordinator named editor publishes like a coordinator (auth::Policy's kPublishArticle).
ALTER TABLE users ADD COLUMN editor INTEGER NOT NULL DEFAULT 0;

CREATE TABLE article_revisions (
  id                INTEGER PRIMARY KEY,
  lang              TEXT NOT NULL CHECK (lang IN ('en', 'fr')),
  slug              TEXT NOT NULL,
  key               TEXT NOT NULL,
  title             TEXT NOT NULL,
  source            TEXT NOT NULL,          -- the whole file: front matter, then the Markdown body
  source_hash       TEXT NOT NULL,          -- SHA-256 (hex) of source
  parent_id         INTEGER REFERENCES article_revisions (id),  -- the revision it was edited from; NULL: the first
  state             TEXT NOT NULL CHECK (state IN ('pending', 'published', 'declined', 'conflict')),
  origin            TEXT NOT NULL CHECK (origin IN ('web', 'import', 'restore', 'ticket')),
  change_summary    TEXT NOT NULL DEFAULT '',
  author_id         INTEGER REFERENCES users (id),   -- NULL: import, or the command line
  created_at        INTEGER NOT NULL,                -- epoch seconds
  reviewed_by       INTEGER REFERENCES users (id),   -- who published or declined it
  reviewed_at       INTEGER,
  review_note       TEXT NOT NULL DEFAULT '',
  needs_translation INTEGER NOT NULL DEFAULT 0,      -- its author said: the other language must follow this change
  follows_id        INTEGER REFERENCES article_revisions (id),  -- a translation: the source revision it follows
  ticket_id         INTEGER REFERENCES tickets (id),            -- drafted from this solved ticket
  restored_from     INTEGER REFERENCES article_revisions (id)
);
CREATE INDEX article_revisions_article ON article_revisions (lang, slug, id);
CREATE INDEX article_revisions_waiting ON article_revisions (state, id) WHERE state IN ('pending', 'conflict');
CREATE INDEX article_revisions_key ON article_revisions (key, lang, id);
CREATE INDEX article_revisions_ticket ON article_revisions (ticket_id) WHERE ticket_id IS NOT NULL;

-- The revision `articles` serves (NULL until the first import after this migration records one), and the
-- SHA-256 of the file as import last read it (NULL: the article was written online and never came from a file).
ALTER TABLE articles ADD COLUMN revision_id INTEGER REFERENCES article_revisions (id);
ALTER TABLE articles ADD COLUMN file_hash TEXT;
