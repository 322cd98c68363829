-- People, groups and roles; sessions; single-use tokens; the mail outbox; help desk categories.
CREATE TABLE groups (
  id         INTEGER PRIMARY KEY,
  slug       TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  lang       TEXT NOT NULL DEFAULT 'fr' CHECK (lang IN ('en', 'fr')),
  active     INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('member', 'volunteer', 'coordinator')),
  lang          TEXT NOT NULL DEFAULT 'fr' CHECK (lang IN ('en', 'fr')),
  password_hash TEXT,                       -- argon2id (libsodium crypto_pwhash_str); NULL: sign-in links only
  active        INTEGER NOT NULL DEFAULT 1,  -- nothing is hard-deleted
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE memberships (
  user_id  INTEGER NOT NULL REFERENCES users (id),
  group_id INTEGER NOT NULL REFERENCES groups (id),
  PRIMARY KEY (user_id, group_id)
);
CREATE INDEX memberships_group ON memberships (group_id);

CREATE TABLE sessions (
  id_hash      TEXT PRIMARY KEY,           -- SHA-256 of the 256-bit session id in the cookie
  user_id      INTEGER NOT NULL REFERENCES users (id),
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,           -- epoch seconds
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE tokens (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('signin', 'reset', 'invite')),
  token_hash TEXT NOT NULL UNIQUE,         -- SHA-256 of the token in the link
  user_id    INTEGER NOT NULL REFERENCES users (id),
  expires_at INTEGER NOT NULL,
  used_at    INTEGER,
  created_at INTEGER NOT NULL
);

-- Every email is a row here, written in the same transaction as the change that causes it.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL,            -- signin_link, invitation, password_reset, ...
  recipient_email TEXT NOT NULL,
  recipient_name  TEXT NOT NULL DEFAULT '',
  lang            TEXT NOT NULL DEFAULT 'fr',
  user_id         INTEGER REFERENCES users (id),
  data_json       TEXT NOT NULL DEFAULT '{}', -- what the template needs (links included)
  dedupe_key      TEXT UNIQUE,              -- one message per (person, kind, period) when set
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- Help desk categories (coordinators can add more).
CREATE TABLE ticket_categories (
  slug     TEXT PRIMARY KEY,
  name_en  TEXT NOT NULL,
  name_fr  TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  active   INTEGER NOT NULL DEFAULT 1
);
INSERT INTO ticket_categories (slug, name_en, name_fr, position) VALUES
  ('accounts-passwords', 'Accounts and passwords', 'Comptes et mots de passe', 1),
  ('email', 'Email', 'Courriel', 2),
  ('website', 'Website', 'Site web', 3),
  ('hardware', 'Hardware', 'Matériel', 4),
  ('network', 'Network and Internet', 'Réseau et Internet', 5),
  ('software', 'Software', 'Logiciels', 6),
  ('data-backups', 'Data and backups', 'Données et sauvegardes', 7),
  ('security', 'Security', 'Sécurité', 8),
  ('other', 'Other', 'Autre', 9);
