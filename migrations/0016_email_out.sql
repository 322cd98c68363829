-- Mail that goes out at once (#17): new-ticket alerts, a choice of each volunteer and coordinator, and the reply
-- addresses of ticket notifications. (0017 is the lead's: receiving.)

-- New-ticket alerts: 'off', 'urgent' (high or blocking urgency) or 'all'. NULL: the default for the role.
ALTER TABLE mail_preferences ADD COLUMN new_ticket_alerts TEXT CHECK (new_ticket_alerts IN ('off', 'urgent', 'all'));

-- Everyone's effective settings, as in 0005, with new_ticket_alerts: urgent tickets for volunteers and
-- coordinators, off for members (who cannot choose it).
DROP VIEW mail_settings;
CREATE VIEW mail_settings AS
  SELECT u.id AS user_id,
         COALESCE(p.notifications, 1) AS notifications,
         COALESCE(p.volunteer_digest, CASE u.role WHEN 'volunteer' THEN 'daily' ELSE 'off' END) AS volunteer_digest,
         COALESCE(p.group_digest, CASE u.role WHEN 'member' THEN 'weekly' ELSE 'off' END) AS group_digest,
         COALESCE(p.coordinator_summary, CASE u.role WHEN 'coordinator' THEN 'weekly' ELSE 'off' END)
           AS coordinator_summary,
         CASE WHEN u.role IN ('volunteer', 'coordinator') THEN COALESCE(p.new_ticket_alerts, 'urgent') ELSE 'off' END
           AS new_ticket_alerts
  FROM users u LEFT JOIN mail_preferences p ON p.user_id = u.id;

-- The reply addresses of ticket notifications (aide+TOKEN@...): one random token per message sent, bound to its
-- recipient and its ticket. Only the token's SHA-256 is kept; the token itself is made when the message is
-- composed and is only ever in the message. Revoked, never deleted: a reply with a revoked token is told apart
-- from a forged one.
CREATE TABLE reply_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id),
  ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX reply_tokens_user ON reply_tokens (user_id);
CREATE INDEX reply_tokens_ticket ON reply_tokens (ticket_id);
