-- Sign-in hardening. Tokens are now counted per person and hour (at most 5 sign-in link and reset mails) and
-- voided per person (a reset voids every other link), so they are found by person.
CREATE INDEX tokens_user ON tokens (user_id, created_at);

-- The outbox no longer keeps a single-use link once its message is sent, failed or skipped (the sender erases
-- it in the statement that records the outcome); the same for the messages that went out before.
UPDATE outbox SET data_json = json_remove(data_json, '$.link')
  WHERE kind IN ('signin_link', 'password_reset', 'invitation') AND status IN ('sent', 'failed', 'skipped')
    AND json_valid(data_json);
UPDATE outbox SET data_json = json_set(data_json,
    '$.unclaimed', json((SELECT json_group_array(json(json_remove(value, '$.take_url')))
                         FROM json_each(data_json, '$.unclaimed'))),
    '$.waiting', json((SELECT json_group_array(json(json_remove(value, '$.take_url')))
                       FROM json_each(data_json, '$.waiting'))))
  WHERE kind = 'volunteer_digest' AND status IN ('sent', 'failed', 'skipped') AND json_valid(data_json);
