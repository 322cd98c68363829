-- The help desk: tickets, their history (every change is an event), attachments, linked articles,
-- per-year reference numbers, and answered questions published from resolved tickets.
CREATE TABLE ticket_refs (
  year INTEGER PRIMARY KEY,
  last INTEGER NOT NULL
);

CREATE TABLE tickets (
  id                INTEGER PRIMARY KEY,
  ref               TEXT NOT NULL UNIQUE,           -- ENT-2026-0042
  group_id          INTEGER NOT NULL REFERENCES groups (id),
  opened_by         INTEGER NOT NULL REFERENCES users (id),
  subject           TEXT NOT NULL,
  body              TEXT NOT NULL,                  -- Markdown as typed
  body_html         TEXT NOT NULL,                  -- rendered once, bounded, when written
  category          TEXT NOT NULL REFERENCES ticket_categories (slug),
  urgency           TEXT NOT NULL CHECK (urgency IN ('low', 'normal', 'high', 'blocking')),
  status            TEXT NOT NULL CHECK (status IN ('new', 'triaged', 'in_progress', 'waiting_on_group', 'resolved', 'closed')),
  assignee_id       INTEGER REFERENCES users (id),
  lang              TEXT NOT NULL DEFAULT 'fr' CHECK (lang IN ('en', 'fr')),
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  first_response_at INTEGER,
  resolved_at       INTEGER,
  closed_at         INTEGER,
  helpful           INTEGER,                        -- NULL: not asked yet; 0 no; 1 yes
  helpful_comment   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tickets_group ON tickets (group_id, updated_at DESC);
CREATE INDEX tickets_queue ON tickets (status, assignee_id, created_at);

CREATE TABLE ticket_events (
  id         INTEGER PRIMARY KEY,
  ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
  actor_id   INTEGER REFERENCES users (id),       -- NULL: the system (auto-close)
  kind       TEXT NOT NULL,                       -- created, reply, note, status, urgency, category, assign, link, helpful, published
  body       TEXT NOT NULL DEFAULT '',
  body_html  TEXT NOT NULL DEFAULT '',
  internal   INTEGER NOT NULL DEFAULT 0,          -- 1: volunteers only, never shown to the group
  old_value  TEXT NOT NULL DEFAULT '',
  new_value  TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

CREATE TABLE attachments (
  id           INTEGER PRIMARY KEY,
  ticket_id    INTEGER NOT NULL REFERENCES tickets (id),
  event_id     INTEGER REFERENCES ticket_events (id),
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  sha256       TEXT NOT NULL,                     -- the file is data.dir/attachments/<aa>/<sha256>
  uploaded_by  INTEGER NOT NULL REFERENCES users (id),
  created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_ticket ON attachments (ticket_id);

CREATE TABLE ticket_articles (
  ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
  article_key TEXT NOT NULL,
  added_by    INTEGER NOT NULL REFERENCES users (id),
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, article_key)
);

CREATE TABLE questions (
  id            INTEGER PRIMARY KEY,
  ticket_id     INTEGER NOT NULL UNIQUE REFERENCES tickets (id),
  lang          TEXT NOT NULL CHECK (lang IN ('en', 'fr')),
  slug          TEXT NOT NULL,
  title         TEXT NOT NULL,
  question      TEXT NOT NULL,
  answer        TEXT NOT NULL,
  question_html TEXT NOT NULL,
  answer_html   TEXT NOT NULL,
  category      TEXT NOT NULL,
  published_by  INTEGER NOT NULL REFERENCES users (id),
  published     INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  UNIQUE (lang, slug)
);
