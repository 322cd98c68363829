#!/usr/bin/python3
"""Helpers of the help desk benchmark (scripts/bench tickets). Standard library only.

  passwords DB TEMPLATE_EMAIL N OUT
      Gives N members (one group each, no password yet, one per group first) the password hash of
      TEMPLATE_EMAIL (a person made with `entraide user add --password-stdin`, so the hash is a real
      argon2id string from entraide) and writes their emails to OUT, one a line.
  signin URL PASSWORD EMAILS OUT [--parallel 4] [--per-address 9]
      Signs each email in through POST /api/v1/session ({email, password}) and writes
      "email<TAB>sid<TAB>csrf" lines to OUT. Sign-ins are limited to 10 a minute per address, so each
      batch of --per-address people connects from its own loopback source address (127.0.0.2,
      127.0.0.3...: still to the server on 127.0.0.1); a 429 is waited out (Retry-After) once.
  pick DB
      The open ticket the page benchmark shows: in progress, the most events, then one with a linked
      article, then the lowest id. Prints "id ref status events links".
  state DB
      Prints "max_id=N tickets=N refs=YEAR:LAST,... events=N" before the creation runs.
  check DB BEFORE_MAX_ID RESPONSES YEAR_LAST_BEFORE [--warmup]
      After the creation runs and the server stopped: reads what bench_tickets.lua wrote (RESPONSES)
      and counts the tickets created since (id > BEFORE_MAX_ID); checks that every 201 has its row with
      the same ref, that refs are unique and follow ticket_refs without gaps, that each new ticket has
      exactly one "created" event, and how many tickets each member opened. Prints key=value lines.
  sql DB SRC [--rounds 20]
      Times the statements behind the queue and ticket pages and ticket creation, on the same
      database (one connection, the default 2 MiB page cache, like the server's), after checking that
      each still appears in SRC (src/store): "name<TAB>median_ms<TAB>rows<TAB>plan<TAB>current".
  insights DB --now EPOCH [--seed N] [--answers-per-day 25] [--queries-per-day 120]
      What the coordinators' dashboard reads besides tickets (issue #19), made deterministically: a year of
      article feedback (--answers-per-day Yes/No answers on the article keys the tickets link, a third No,
      one No in three with a comment; client hashes forgotten, as the periodic worker leaves past days) and
      the search log's 90 days (--queries-per-day distinct normalised queries a day out of a pool of words,
      some finding nothing, some never followed). Prints one summary line.
"""

import argparse
import collections
import concurrent.futures
import http.client
import json
import os
import sqlite3
import statistics
import sys
import time
import urllib.parse


def cmd_passwords(a):
    db = sqlite3.connect(a.db)
    row = db.execute("SELECT password_hash FROM users WHERE email = ?", (a.template,)).fetchone()
    if not row or not row[0]:
        sys.exit("bench_tickets: %s has no password hash" % a.template)
    members = db.execute(
        "SELECT email FROM (SELECT u.id, u.email, m.group_id, "
        "row_number() OVER (PARTITION BY m.group_id ORDER BY u.id) AS rank FROM users u "
        "JOIN memberships m ON m.user_id = u.id WHERE u.role = 'member' AND u.active = 1 "
        "AND u.password_hash IS NULL AND (SELECT count(*) FROM memberships x WHERE x.user_id = u.id) = 1) "
        "ORDER BY rank, group_id LIMIT ?", (a.n,)).fetchall()
    if len(members) < a.n:
        sys.exit("bench_tickets: only %d members without a password, %d asked" % (len(members), a.n))
    with db:
        db.executemany("UPDATE users SET password_hash = ? WHERE email = ?", [(row[0], m) for (m,) in members])
    db.close()
    with open(a.out, "w") as f:
        for (m,) in members:
            f.write(m + "\n")


def sign_in(host, port, email, password, source):
    body = json.dumps({"email": email, "password": password})
    for attempt in range(2):
        c = http.client.HTTPConnection(host, port, timeout=30, source_address=(source, 0))
        try:
            c.request("POST", "/api/v1/session", body, {"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            if r.status == 429 and attempt == 0:
                time.sleep(min(int(r.getheader("Retry-After", "60")), 70) + 1)
                continue
            if r.status != 200:
                raise RuntimeError("sign-in of %s from %s: HTTP %d" % (email, source, r.status))
            sid = None
            for k, v in r.getheaders():
                if k.lower() == "set-cookie" and v.startswith("sid="):
                    sid = v[4:].split(";", 1)[0]
            csrf = r.getheader("X-CSRF-Token")
            if not sid or not csrf:
                raise RuntimeError("sign-in of %s: no sid cookie or X-CSRF-Token" % email)
            return email, sid, csrf
        finally:
            c.close()
    raise RuntimeError("sign-in of %s: still limited" % email)


def cmd_signin(a):
    u = urllib.parse.urlsplit(a.url)
    with open(a.emails) as f:
        emails = [line.strip() for line in f if line.strip()]
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(a.parallel) as ex:
        futures = [ex.submit(sign_in, u.hostname, u.port, e, a.password, "127.0.0.%d" % (2 + i // a.per_address))
                   for i, e in enumerate(emails)]
        rows = [f.result() for f in futures]
    with open(a.out, "w") as f:
        for row in rows:
            f.write("\t".join(row) + "\n")
    print("signed in %d people in %.2f s" % (len(rows), time.monotonic() - t0), file=sys.stderr)


def refs_of(db):
    return {y: last for y, last in db.execute("SELECT year, last FROM ticket_refs")}


def cmd_pick(a):
    db = sqlite3.connect(a.db)
    row = db.execute(
        "SELECT t.id, t.ref, t.status, (SELECT count(*) FROM ticket_events e WHERE e.ticket_id = t.id) AS n, "
        "(SELECT count(*) FROM ticket_articles l WHERE l.ticket_id = t.id) AS links FROM tickets t "
        "WHERE t.status = 'in_progress' ORDER BY n DESC, links DESC, t.id LIMIT 1").fetchone()
    if not row:
        sys.exit("bench_tickets: no ticket in progress")
    print("%d %s %s %d %d" % row)


def cmd_state(a):
    db = sqlite3.connect(a.db)
    max_id, n = db.execute("SELECT coalesce(max(id), 0), count(*) FROM tickets").fetchone()
    events = db.execute("SELECT count(*) FROM ticket_events").fetchone()[0]
    refs = ",".join("%d:%d" % kv for kv in sorted(refs_of(db).items()))
    print("max_id=%d tickets=%d refs=%s events=%d" % (max_id, n, refs, events))


def cmd_check(a):
    runs, sent, statuses, created = [], 0, collections.Counter(), []
    with open(a.responses) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if p[0] == "run":
                runs.append({"duration_s": int(p[1]) / 1e6, "created": 0, "statuses": collections.Counter()})
            elif p[0] == "sent":
                sent += int(p[1])
            elif p[0] == "status":
                statuses[int(p[1])] += int(p[2])
                runs[-1]["statuses"][int(p[1])] += int(p[2])
            elif p[0] == "created":
                created.append((int(p[1]) if p[1].isdigit() else -1, p[2]))
                runs[-1]["created"] += 1
    db = sqlite3.connect(a.db)
    rows = {i: (ref, opened_by, created_at) for i, ref, opened_by, created_at in db.execute(
        "SELECT id, ref, opened_by, created_at FROM tickets WHERE id > ?", (a.before_max_id,))}
    seen = set()
    lost = mismatched = duplicate_responses = 0
    for tid, ref in created:
        if tid in seen:
            duplicate_responses += 1
        seen.add(tid)
        if tid not in rows:
            lost += 1
        elif rows[tid][0] != ref:
            mismatched += 1
    unanswered = len(set(rows) - seen)
    total, distinct = db.execute("SELECT count(*), count(DISTINCT ref) FROM tickets").fetchone()
    before = {int(y): int(n) for y, n in (kv.split(":") for kv in a.year_last_before.split(",") if kv)}
    after = refs_of(db)
    new_refs = sum(after.get(y, 0) - before.get(y, 0) for y in set(after) | set(before))
    # The refs of the new tickets must be exactly the numbers after each year's previous last.
    expected = set()
    for y in after:
        for n in range(before.get(y, 0) + 1, after[y] + 1):
            expected.add("ENT-%04d-%04d" % (y, n))
    actual = set(r[0] for r in rows.values())
    ref_gaps = len(expected - actual)
    ref_strays = len(actual - expected)
    created_events = collections.Counter(t for (t,) in db.execute(
        "SELECT ticket_id FROM ticket_events WHERE kind = 'created' AND ticket_id > ?", (a.before_max_id,)))
    bad_events = sum(1 for tid in rows if created_events.get(tid, 0) != 1)
    per_member = collections.Counter(r[1] for r in rows.values())
    span = (min(r[2] for r in rows.values()), max(r[2] for r in rows.values())) if rows else (0, 0)
    measured = runs[1:] if a.warmup and len(runs) > 1 else runs
    rates = ["%.2f" % (r["created"] / r["duration_s"]) if r["duration_s"] else "0" for r in measured]
    out = {
        "runs": len(runs),
        "sent": sent,
        "responses": sum(statuses.values()),
        "status": ",".join("%d:%d" % kv for kv in sorted(statuses.items())),
        "created_201": len(created),
        "rows": len(rows),
        "lost": lost,
        "mismatched": mismatched,
        "duplicate_responses": duplicate_responses,
        "unanswered_rows": unanswered,
        "refs_unique": int(total == distinct),
        "ref_numbers_used": new_refs,
        "ref_gaps": ref_gaps,
        "ref_strays": ref_strays,
        "bad_created_events": bad_events,
        "members_used": len(per_member),
        "max_per_member": max(per_member.values()) if per_member else 0,
        "created_span_s": span[1] - span[0],
        "tickets_per_s_runs": " ".join(rates),
        "non2xx_runs": " ".join(str(sum(n for s, n in r["statuses"].items() if not 200 <= s < 300)) for r in measured),
        "created_runs": " ".join(str(r["created"]) for r in measured),
    }
    for k, v in out.items():
        print("%s=%s" % (k, v))


# The statements behind the pages, as written in src/store (the "marker" must still be found there).
def statements(now, member, ticket):
    open_filter = "t.status IN ('new','triaged','in_progress','waiting_on_group')"
    select = ("SELECT t.id, t.ref, t.group_id, g.name, g.slug, t.opened_by, o.name, t.subject, t.body, t.body_html, "
              "t.category, t.urgency, t.status, t.lang, t.assignee_id, coalesce(a.name, ''), t.created_at, "
              "t.updated_at, t.first_response_at, t.resolved_at, t.closed_at, t.helpful, t.helpful_comment "
              "FROM tickets t JOIN groups g ON g.id = t.group_id JOIN users o ON o.id = t.opened_by "
              "LEFT JOIN users a ON a.id = t.assignee_id ")
    list_select = select.replace("t.body, t.body_html,", "'', '',")  # lists leave the description out
    order = (" ORDER BY (t.status = 'new' AND t.assignee_id IS NULL) DESC, "
             "CASE t.urgency WHEN 'blocking' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, t.created_at")
    return [
        ("queue page: open tickets, queue order, 50 + 1 rows (TicketRepository::List)", "ticket_repo.cc",
         "INDEXED BY tickets_queue_order",
         list_select.replace("FROM tickets t ", "FROM tickets t INDEXED BY tickets_queue_order ")
         + "WHERE 1 = 1 AND " + open_filter + order + " LIMIT ? OFFSET ?", (51, 0)),
        ("queue ?status=closed, 50 + 1 rows (most recently resolved first)", "ticket_repo.cc",
         "ORDER BY t.resolved_at DESC, t.id DESC",
         list_select + "WHERE 1 = 1 AND t.status = ? ORDER BY t.resolved_at DESC, t.id DESC LIMIT ? OFFSET ?",
         ("closed", 51, 0)),
        ("auto-close check, every queue/ticket/list request (CloseResolvedBefore)", "ticket_repo.cc",
         "WHERE status = 'resolved' AND resolved_at < ?",
         "SELECT id FROM tickets WHERE status = 'resolved' AND resolved_at < ?", (now - 14 * 86400,)),
        ("groups for the queue's filter (ListGroups)", "account_repo.cc",
         "FROM groups ORDER BY active DESC, name COLLATE NOCASE",
         "SELECT id, slug, name, lang, active FROM groups ORDER BY active DESC, name COLLATE NOCASE", ()),
        ("ticket (TicketRepository::Find)", "ticket_repo.cc", "WHERE t.id = ?", select + "WHERE t.id = ?",
         (ticket,)),
        ("its events (TicketRepository::Events)", "ticket_repo.cc", "WHERE e.ticket_id = ? AND (e.internal = 0 OR ?)",
         "SELECT e.id, e.ticket_id, e.actor_id, coalesce(u.name, ''), e.kind, e.body, e.body_html, e.internal, "
         "e.old_value, e.new_value, e.created_at FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id "
         "WHERE e.ticket_id = ? AND (e.internal = 0 OR ?) ORDER BY e.id", (ticket, 1)),
        ("volunteers, for the ticket page's assignee list", "account_repo.cc",
         "WHERE active = 1 AND role IN ('volunteer', 'coordinator') ORDER BY name COLLATE NOCASE",
         "SELECT id, name FROM users WHERE active = 1 AND role IN ('volunteer', 'coordinator') "
         "ORDER BY name COLLATE NOCASE", ()),
        ("creation: rate limit count (CountOpenedSince)", "ticket_repo.cc",
         "SELECT count(*) FROM tickets WHERE opened_by = ? AND created_at > ?",
         "SELECT count(*) FROM tickets WHERE opened_by = ? AND created_at > ?", (member, now - 3600)),
    ]


def cmd_sql(a):
    db = sqlite3.connect(a.db)
    now = int(time.time())
    member = db.execute("SELECT id FROM users WHERE role = 'member' ORDER BY id LIMIT 1").fetchone()[0]
    sources = {}
    for name in ("ticket_repo.cc", "account_repo.cc"):
        try:
            with open(os.path.join(a.src, name), encoding="utf-8") as f:
                sources[name] = f.read()
        except OSError:
            sources[name] = ""
    for name, source, marker, sql, args in statements(now, member, a.ticket):
        current = "yes" if marker in sources.get(source, "") else "no"
        plan = "; ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, args))
        rows = len(db.execute(sql, args).fetchall())  # warms the OS cache
        rounds = a.rounds if "closed" not in name else max(3, a.rounds // 5)
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            db.execute(sql, args).fetchall()
            times.append((time.perf_counter() - t) * 1000)
        print("%s\t%.2f\t%d\t%s\t%s" % (name, statistics.median(times), rows, plan, current))


def cmd_insights(a):
    import random
    rnd = random.Random(a.seed)
    db = sqlite3.connect(a.db)
    keys = [k for (k,) in db.execute("SELECT DISTINCT article_key FROM ticket_articles ORDER BY article_key")]
    if not keys:
        sys.exit("bench_tickets: no linked article to give feedback on")
    words = ["imprimante", "courriel", "mot de passe", "sauvegarde", "wifi", "zoom", "facture", "site web",
             "antivirus", "partage", "calendrier", "infolettre", "teams", "drive", "onedrive", "virus",
             "hameçonnage", "routeur", "clé usb", "adhésion", "formulaire", "don en ligne", "caméra", "printer",
             "email", "password", "backup", "newsletter", "phishing", "domain", "accessibility", "vpn"]
    day_s = 86400
    feedback, searches = [], []
    for d in range(365):
        at = a.now - d * day_s
        day = time.strftime("%Y-%m-%d", time.gmtime(at))
        for _ in range(a.answers_per_day):
            helpful = 0 if rnd.random() < 0.33 else 1
            comment = ""
            if not helpful and rnd.random() < 0.33:
                comment = "Il manque les étapes pour %s." % rnd.choice(words)
            feedback.append((rnd.choice(keys), rnd.choice(("fr", "en")), day, helpful, comment,
                             at - rnd.randrange(day_s)))
        if d < 90:
            seen = set()
            while len(seen) < a.queries_per_day:
                q = " ".join(rnd.sample(words, rnd.choice((1, 1, 2))))
                lang = rnd.choice(("fr", "en"))
                if (lang, q) in seen:
                    continue
                seen.add((lang, q))
                n = rnd.randint(1, 12)
                no_result = n if rnd.random() < 0.15 else 0
                clicks = 0 if no_result or rnd.random() < 0.3 else rnd.randint(1, n)
                searches.append((day, lang, q, n, no_result, clicks))
    with db:
        db.executemany("INSERT INTO article_feedback (article_key, lang, day, helpful, comment, client, created_at) "
                       "VALUES (?, ?, ?, ?, ?, NULL, ?)", feedback)
        db.executemany("INSERT INTO search_log (day, lang, query, searches, no_result, clicks) VALUES (?, ?, ?, ?, ?, ?)",
                       searches)
    print("bench_tickets insights: %d feedback answers (%d with a comment) on %d articles over 365 days, "
          "%d search log rows over 90 days" % (len(feedback), sum(1 for f in feedback if f[4]), len(keys),
                                              len(searches)))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("passwords")
    s.add_argument("db")
    s.add_argument("template")
    s.add_argument("n", type=int)
    s.add_argument("out")
    s = sub.add_parser("signin")
    s.add_argument("url")
    s.add_argument("password")
    s.add_argument("emails")
    s.add_argument("out")
    s.add_argument("--parallel", type=int, default=4)
    s.add_argument("--per-address", type=int, default=9)
    s = sub.add_parser("pick")
    s.add_argument("db")
    s = sub.add_parser("state")
    s.add_argument("db")
    s = sub.add_parser("check")
    s.add_argument("db")
    s.add_argument("before_max_id", type=int)
    s.add_argument("responses")
    s.add_argument("year_last_before")
    s.add_argument("--warmup", action="store_true")
    s = sub.add_parser("sql")
    s.add_argument("db")
    s.add_argument("src")
    s.add_argument("--ticket", type=int, required=True)
    s.add_argument("--rounds", type=int, default=20)
    s = sub.add_parser("insights")
    s.add_argument("db")
    s.add_argument("--now", type=int, required=True)
    s.add_argument("--seed", type=int, default=20261128)
    s.add_argument("--answers-per-day", type=int, default=25)
    s.add_argument("--queries-per-day", type=int, default=120)
    a = p.parse_args()
    {"insights": cmd_insights, "passwords": cmd_passwords, "signin": cmd_signin, "pick": cmd_pick, "state": cmd_state, "check": cmd_check, "sql": cmd_sql}[a.cmd](a)


if __name__ == "__main__":
    main()
