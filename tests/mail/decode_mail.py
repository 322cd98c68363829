#!/usr/bin/python3
"""Decodes one email file with Python's email package (an independent reader) and prints it as JSON:
{"headers": [[name, decoded value], ...], "raw_headers": [[name, raw value], ...], "text": ..., "html": ...,
 "content_type": ..., "defects": [...]}. Used by the mail tests."""
import email
import email.policy
import json
import sys

with open(sys.argv[1], "rb") as f:
    raw = f.read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
compat = email.message_from_bytes(raw, policy=email.policy.compat32)
out = {
    "headers": [[k, str(v)] for k, v in msg.items()],
    "raw_headers": [[k, str(v)] for k, v in compat.items()],
    "content_type": msg.get_content_type(),
    "defects": [type(d).__name__ for d in msg.defects],
    "text": "",
    "html": "",
}
for part in msg.walk():
    out["defects"] += [type(d).__name__ for d in part.defects]
    if part.get_content_type() == "text/plain":
        out["text"] = part.get_content().replace("\r\n", "\n")
    elif part.get_content_type() == "text/html":
        out["html"] = part.get_content().replace("\r\n", "\n")
print(json.dumps(out))
