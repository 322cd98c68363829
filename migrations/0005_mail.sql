-- Mail delivery: claims, Message-IDs and threads on the outbox; email preferences; the unsubscribe secret.
-- (0004 is the help desk's.)

-- The outbox is rebuilt (SQLite cannot change a CHECK): the status 'skipped' is added for messages whose
-- recipient turned that kind of email off before it went out, and the columns of delivery.
CREATE TABLE outbox_new (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL,            -- signin_link, invitation, password_reset, ticket_*, *_digest, ...
  recipient_email TEXT NOT NULL,
  recipient_name  TEXT NOT NULL DEFAULT '',
  lang            TEXT NOT NULL DEFAULT 'fr',
  user_id         INTEGER REFERENCES users (id),
  data_json       TEXT NOT NULL DEFAULT '{}', -- what the template needs (links included)
  dedupe_key      TEXT UNIQUE,              -- one message per (person, kind, period) when set
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER,
  thread_key      TEXT,                     -- e.g. 'ticket:42': messages of one thread share References
  message_id      TEXT,                     -- '<...@domain>', set at the first attempt and kept for retries
  subject         TEXT NOT NULL DEFAULT '', -- as last rendered (for lists of failed messages)
  claim_token     TEXT,                     -- the sender that holds it while status = 'sending'
  claimed_at      INTEGER
);
INSERT INTO outbox_new (id, kind, recipient_email, recipient_name, lang, user_id, data_json, dedupe_key, status,
                        attempts, next_attempt_at, last_error, created_at, sent_at)
  SELECT id, kind, recipient_email, recipient_name, lang, user_id, data_json, dedupe_key, status,
         attempts, next_attempt_at, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_recipient ON outbox (recipient_email COLLATE NOCASE, kind);

-- What each person wants. No row, or NULL in a column: the default for their role (see mail_settings).
CREATE TABLE mail_preferences (
  user_id             INTEGER PRIMARY KEY REFERENCES users (id),
  notifications       INTEGER CHECK (notifications IN (0, 1)),                 -- ticket notifications
  volunteer_digest    TEXT CHECK (volunteer_digest IN ('off', 'daily', 'weekly')),
  group_digest        TEXT CHECK (group_digest IN ('off', 'daily', 'weekly')),
  coordinator_summary TEXT CHECK (coordinator_summary IN ('off', 'daily', 'weekly')),
  updated_at          INTEGER NOT NULL
);

-- Everyone's effective settings: notifications on; the volunteer digest daily for volunteers, the group digest
-- weekly for members, the coordinator summary weekly for coordinators; everything else off until chosen.
CREATE VIEW mail_settings AS
  SELECT u.id AS user_id,
         COALESCE(p.notifications, 1) AS notifications,
         COALESCE(p.volunteer_digest, CASE u.role WHEN 'volunteer' THEN 'daily' ELSE 'off' END) AS volunteer_digest,
         COALESCE(p.group_digest, CASE u.role WHEN 'member' THEN 'weekly' ELSE 'off' END) AS group_digest,
         COALESCE(p.coordinator_summary, CASE u.role WHEN 'coordinator' THEN 'weekly' ELSE 'off' END)
           AS coordinator_summary
  FROM users u LEFT JOIN mail_preferences p ON p.user_id = u.id;
