-- The how-to library: articles imported from content/, their tags, and the categories they belong to.
CREATE TABLE categories (
  slug           TEXT PRIMARY KEY,
  position       INTEGER NOT NULL DEFAULT 0,
  name_en        TEXT NOT NULL,
  name_fr        TEXT NOT NULL,
  description_en TEXT NOT NULL DEFAULT '',
  description_fr TEXT NOT NULL DEFAULT ''
);

CREATE TABLE articles (
  id           INTEGER PRIMARY KEY,
  lang         TEXT NOT NULL CHECK (lang IN ('en', 'fr')),
  slug         TEXT NOT NULL,
  key          TEXT NOT NULL,
  title        TEXT NOT NULL,
  category     TEXT NOT NULL DEFAULT '',
  summary      TEXT NOT NULL DEFAULT '',
  updated      TEXT NOT NULL DEFAULT '',          -- YYYY-MM-DD from front matter
  draft        INTEGER NOT NULL DEFAULT 0,
  published    INTEGER NOT NULL DEFAULT 1,        -- 0 once its file is removed
  source_path  TEXT NOT NULL,                     -- relative to content.dir
  content_hash TEXT NOT NULL,                     -- SHA-256 of the file: re-render only when it changes
  html         TEXT NOT NULL,                     -- safe HTML rendered at import
  toc          TEXT NOT NULL DEFAULT '',          -- one heading a line: level TAB id TAB text
  plain        TEXT NOT NULL DEFAULT '',          -- plain text for search and snippets
  word_count   INTEGER NOT NULL DEFAULT 0,
  links_json   TEXT NOT NULL DEFAULT '[]',        -- internal links found in the body, checked by check-content
  imported_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  UNIQUE (lang, slug)
);
CREATE INDEX articles_key ON articles (key, lang);
CREATE INDEX articles_list ON articles (lang, published, draft, updated DESC);

CREATE TABLE article_tags (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  tag        TEXT NOT NULL,
  position   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (article_id, tag)
);
CREATE INDEX article_tags_tag ON article_tags (tag);

-- Small key/value facts about the store (content generation, etc.).
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
