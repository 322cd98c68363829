-- The help desk's hourly limits per person count a person's recent replies and notes, and the files they
-- attached (on every ticket), in the transaction that writes: these indexes make each count read only that
-- person's last hour instead of every event or attachment.
CREATE INDEX ticket_events_actor ON ticket_events (actor_id, created_at);
CREATE INDEX attachments_uploader ON attachments (uploaded_by, created_at);
