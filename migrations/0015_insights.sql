-- Insights (issue #19): article feedback, search gaps, saved replies, and the queue order with response targets.

-- "Did this answer your question?" at the end of an article. No person, cookie or address: `client` is a keyed
-- hash (HMAC-SHA-256) of the client address with a secret that only serve's memory holds and that changes every
-- UTC day, kept only so that an address counts once per article and day; the periodic worker sets it to NULL
-- once its day is over, after which nothing links a row to anyone.
CREATE TABLE article_feedback (
  id          INTEGER PRIMARY KEY,
  article_key TEXT NOT NULL,
  lang        TEXT NOT NULL CHECK (lang IN ('en', 'fr')),
  day         TEXT NOT NULL,                        -- YYYY-MM-DD, UTC
  helpful     INTEGER NOT NULL CHECK (helpful IN (0, 1)),
  comment     TEXT NOT NULL DEFAULT '',             -- on No only, at most 500 characters
  client      TEXT,                                 -- the day's keyed hash of the address; NULL once the day is over
  created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX article_feedback_once ON article_feedback (article_key, day, client) WHERE client IS NOT NULL;
CREATE INDEX article_feedback_time ON article_feedback (created_at, article_key, helpful);

-- Searches of the search page, counted per normalised query, language and UTC day: no person, no address, no
-- time of day. Rows older than insights.search_log_days are deleted by the periodic worker.
CREATE TABLE search_log (
  day       TEXT NOT NULL,
  lang      TEXT NOT NULL CHECK (lang IN ('en', 'fr')),
  query     TEXT NOT NULL,
  searches  INTEGER NOT NULL DEFAULT 0,
  no_result INTEGER NOT NULL DEFAULT 0,             -- searches that found nothing
  clicks    INTEGER NOT NULL DEFAULT 0,             -- results followed from its page
  PRIMARY KEY (day, lang, query)
) WITHOUT ROWID;

-- Saved replies, shared by volunteers and coordinators: a title and a text in each language.
CREATE TABLE saved_replies (
  id         INTEGER PRIMARY KEY,
  title_fr   TEXT NOT NULL,
  title_en   TEXT NOT NULL,
  body_fr    TEXT NOT NULL,
  body_en    TEXT NOT NULL,
  created_by INTEGER REFERENCES users (id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- The dashboard reads tickets by when they were opened; the columns it counts are in the index, so 12 weeks of
-- a 100,000-ticket history are read without touching the rows (their descriptions are most of the table).
CREATE INDEX tickets_created ON tickets (created_at, status, urgency, first_response_at, resolved_at, group_id,
                                        category);
CREATE INDEX tickets_resolved_at ON tickets (resolved_at) WHERE resolved_at IS NOT NULL;
-- Volunteers' answered tickets: public replies of a period, with who wrote them and on which ticket. kind and
-- internal are repeated as columns so that the query reads the index alone (SQLite does not count the columns of
-- a partial index's WHERE as covered).
CREATE INDEX ticket_events_public_replies ON ticket_events (created_at, actor_id, ticket_id, kind, internal)
  WHERE kind = 'reply' AND internal = 0;
-- Open tickets by status, urgency and category, counted from the index alone (a few thousand entries).
CREATE INDEX tickets_open_counts ON tickets (status, urgency, category)
  WHERE status IN ('new', 'triaged', 'in_progress', 'waiting_on_group');
-- Articles cited ("this may help") by recent tickets, for the needs-revision list.
CREATE INDEX ticket_articles_time ON ticket_articles (created_at, article_key, ticket_id);

-- The triage queue: within an urgency, the tickets still waiting for their first public answer come first,
-- oldest first, so late and nearly late tickets (helpdesk.first_answer_hours) lead their urgency. Same name, so
-- the query that names it keeps reading it.
DROP INDEX tickets_queue_order;
CREATE INDEX tickets_queue_order ON tickets (
  (status = 'new' AND assignee_id IS NULL) DESC,
  (CASE urgency WHEN 'blocking' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END),
  (first_response_at IS NULL) DESC,
  created_at
) WHERE status IN ('new', 'triaged', 'in_progress', 'waiting_on_group');
ANALYZE;
