-- Mail received (#17): every message `entraide mail receive` or serve's POP3 poller was handed, with what became
-- of it; the addresses that bounce; the tickets written by mail that wait for their confirmation link.
-- (0016 is the outgoing half: acknowledgements, alerts, reply addresses.)

-- One row per message read (not for "try again later"): the log of refusals, the Message-IDs already taken
-- (a redelivered message is taken once), each person's hourly count, and the original of a message that reached
-- a ticket (a file under data/mail-in, offered to volunteers as a download, never rendered).
CREATE TABLE inbound_mail (
  id           INTEGER PRIMARY KEY,
  message_id   TEXT,                 -- without <>; NULL when the message had none
  received_at  INTEGER NOT NULL,
  outcome      TEXT NOT NULL CHECK (outcome IN ('taken', 'ignored', 'refused', 'unknown', 'bounce')),
  reason       TEXT NOT NULL DEFAULT '',
  from_address TEXT NOT NULL DEFAULT '',
  size         INTEGER NOT NULL DEFAULT 0,
  user_id      INTEGER REFERENCES users (id),
  ticket_id    INTEGER REFERENCES tickets (id),
  event_id     INTEGER REFERENCES ticket_events (id),  -- the reply (or the ticket's first event) it became
  original     TEXT                  -- file name under data/mail-in
);
CREATE INDEX inbound_mail_message_id ON inbound_mail (message_id);
CREATE INDEX inbound_mail_user ON inbound_mail (user_id, received_at);
CREATE INDEX inbound_mail_ticket ON inbound_mail (ticket_id);
CREATE INDEX inbound_mail_received ON inbound_mail (received_at);

-- Permanent delivery failures reported by delivery status notifications, per address. At the third, the address
-- is bouncing: no more mail is sent to it until a coordinator clears it (or the person's address changes).
CREATE TABLE mail_bounces (
  email          TEXT PRIMARY KEY COLLATE NOCASE,
  failures       INTEGER NOT NULL DEFAULT 0,
  last_status    TEXT NOT NULL DEFAULT '',   -- "5.1.1 user unknown"
  last_at        INTEGER NOT NULL,
  bouncing_since INTEGER
);

-- A ticket written to mail.new_ticket_address, waiting for the confirmation link sent back to its author (only
-- the SHA-256 of the link's token is kept). The text and files are read again from the original when confirmed.
CREATE TABLE mail_ticket_requests (
  token_hash  TEXT PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users (id),
  inbound_id  INTEGER NOT NULL REFERENCES inbound_mail (id),
  subject     TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER,                          -- set when the link is used (single use)
  ticket_id   INTEGER REFERENCES tickets (id)   -- the ticket it became
);
CREATE INDEX mail_ticket_requests_user ON mail_ticket_requests (user_id);
