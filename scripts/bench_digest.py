#!/usr/bin/python3
"""Helpers of the digest benchmark (scripts/bench digest), on the database of a data dir, with sqlite3.

  hold DB          the pending digests wait (next_attempt_at far ahead): serve's sender leaves them alone
  release DB       the held digests are due now
  send DB TIMEOUT  makes the held digests due now, then waits until none is pending or being sent; prints
                   "messages seconds sent failed": how many were delivered, and the time from release to the last
  reset DB         every digest back to pending and held (to send the same messages again)
  sent DB          how many digests are sent
  counts DB        "kind=count ..." of the digests in the outbox
"""

import sqlite3
import sys
import time

HOLD = 1 << 40
DIGESTS = "kind IN ('volunteer_digest', 'group_digest', 'coordinator_summary')"


def connect(path):
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.execute("PRAGMA busy_timeout = 30000")
    return db


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    db = connect(path)
    if cmd == "hold":
        db.execute("UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND " + DIGESTS, (HOLD,))
    elif cmd == "release":
        db.execute("UPDATE outbox SET next_attempt_at = 0 WHERE status = 'pending' AND " + DIGESTS)
    elif cmd == "reset":
        db.execute("UPDATE outbox SET status = 'pending', attempts = 0, sent_at = NULL, last_error = '', "
                   "claim_token = NULL, next_attempt_at = ? WHERE " + DIGESTS, (HOLD,))
    elif cmd == "send":
        timeout = float(sys.argv[3])
        (n,) = db.execute("SELECT count(*) FROM outbox WHERE status = 'pending' AND " + DIGESTS).fetchone()
        start = time.monotonic()
        db.execute("UPDATE outbox SET next_attempt_at = 0 WHERE status = 'pending' AND " + DIGESTS)
        while time.monotonic() - start < timeout:
            (left,) = db.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending') AND "
                                 + DIGESTS).fetchone()
            if left == 0:
                break
            time.sleep(0.02)
        took = time.monotonic() - start
        (sent,) = db.execute("SELECT count(*) FROM outbox WHERE status = 'sent' AND " + DIGESTS).fetchone()
        (failed,) = db.execute("SELECT count(*) FROM outbox WHERE status = 'failed' AND " + DIGESTS).fetchone()
        print("%d %.3f %d %d" % (n, took, sent, failed))
    elif cmd == "sent":
        (sent,) = db.execute("SELECT count(*) FROM outbox WHERE status = 'sent' AND " + DIGESTS).fetchone()
        print(sent)
    elif cmd == "counts":
        rows = db.execute("SELECT kind, count(*) FROM outbox WHERE " + DIGESTS + " GROUP BY kind ORDER BY kind")
        print(" ".join("%s=%d" % r for r in rows))
    else:
        sys.exit("bench_digest.py: unknown command " + cmd)


if __name__ == "__main__":
    main()
