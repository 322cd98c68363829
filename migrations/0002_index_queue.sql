-- Changes waiting to reach the search index. Written in the same transaction as the change itself, drained by
-- the single index writer (serve's worker, or `entraide import`), deleted once the index has committed them.
CREATE TABLE index_queue (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,      -- 'article' (later 'question')
  item_id     INTEGER NOT NULL,   -- articles.id
  enqueued_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
