#!/usr/bin/python3
"""Xapian's own latency on the search benchmark's queries (scripts/bench search), for scale.

quest mode: runs `quest -d DB -m 10 ...` once per query and round, timing each invocation from the
outside (process start, database open, parse, match, printing 10 results). Stdlib only.

inprocess mode (needs python3-xapian): opens the database once, then times parse + get_mset(0, 10)
for each query and round, like quest minus process start and database open; and the same with
check_at_least = every document (exact match counts, as entraide asks for its totals and facets).

Both build the query as quest does: accents removed and apostrophes made spaces (as the index and
entraide's query parser do), the stemmer of the query's words (english or french), default operator
AND (entraide's), flags phrase, boolean, love/hate and auto-synonyms (entraide's), and lang/category
filters as boolean prefixes. Stop words (search/stopwords.LANG.txt): quest has no option for them, so
they are removed from its query text outside quoted phrases; in-process, the query parser gets them as
a stopper, as entraide's does. (The index keeps stop words only unstemmed, so an AND query that keeps
them finds nothing.) One untimed round first.

Prints one line per timing set: "NAME n=N median_ms=X p99_ms=Y max_ms=Z cpu_mean_ms=C zero=Q"
(wall-clock times; C: CPU time per query, user + system, of the quest processes or of this process,
which other load on the machine inflates far less than wall time; zero: queries that found nothing), then, for each query, "query\tmatches" (quest's or Xapian's estimate).

Usage: /usr/bin/python3 scripts/bench_xapian.py quest|inprocess DB QUERIES.tsv STOPWORDS_DIR [--rounds 5]
"""

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import unicodedata

from bench_queries import read_queries


def fold(text):
    """StripAccents of src/search/text.cc: combining marks removed, NFC, apostrophes to spaces."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"['’]", " ", unicodedata.normalize("NFC", stripped))


def load_stopwords(folder):
    """{"english": set, "french": set} of search/stopwords.{en,fr}.txt, folded and lower-cased."""
    out = {}
    for lang, stemmer in (("en", "english"), ("fr", "french")):
        words = set()
        with open(os.path.join(folder, f"stopwords.{lang}.txt"), encoding="utf-8") as f:
            for line in f:
                for w in line.split("#", 1)[0].split():
                    words.add(fold(w).lower())
        out[stemmer] = words
    return out


def drop_stopwords(text, stop):
    """text without the words of `stop`, except inside double quotes (phrases) and when nothing else
    would remain (as Xapian's query parser does)."""
    parts = re.split(r'("[^"]*")', text)
    kept = []
    for part in parts:
        if part.startswith('"'):
            kept.append(part)
            continue
        kept.extend(w for w in part.split() if w.lower() not in stop)
    if not any(k.strip() for k in kept):
        return text
    return " ".join(k for k in kept if k.strip())


def load_queries(path, stopwords):
    out = []
    for words_lang, lang, category, q in read_queries(path):
        stemmer = "french" if words_lang == "fr" else "english"
        filters = []
        if lang != "-":
            filters.append(f"lang:{lang}")
        if category != "-":
            filters.append(f"category:{category}")
        out.append({
            "raw": q,
            "stemmer": stemmer,
            "query": " ".join([fold(q)] + filters),
            "quest_query": " ".join([drop_stopwords(fold(q), stopwords[stemmer])] + filters),
        })
    return out


def percentile(values, p):
    """Nearest-rank percentile (as wrk reports its latency distribution)."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def summary(name, times_ms, cpu_ms, zero):
    return (f"{name} n={len(times_ms)} median_ms={statistics.median(times_ms):.3f} "
            f"p99_ms={percentile(times_ms, 99):.3f} max_ms={max(times_ms):.3f} "
            f"cpu_mean_ms={sum(cpu_ms) / len(cpu_ms):.3f} zero={zero}")


def children_cpu_ms():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1000


def run_quest(db, queries, rounds):
    def once(q):
        cmd = ["quest", "-d", db, "-m", "10", "-s", q["stemmer"], "-o", "and",
               "-f", "default,auto_synonyms", "-b", "lang:L", "-b", "category:XCAT", q["quest_query"]]
        c0 = children_cpu_ms()
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        ms = (time.perf_counter() - t0) * 1000
        cpu = children_cpu_ms() - c0
        if p.returncode != 0:
            sys.exit(f"bench_xapian: quest failed ({p.returncode}) on {q['quest_query']!r}: {p.stderr.decode()}")
        est = re.search(rb"best estimate is (\d+)", p.stdout) or re.search(rb"(?:Exactly|About) (\d+) match", p.stdout)
        return ms, cpu, int(est.group(1)) if est else -1

    matches = [once(q)[2] for q in queries]  # untimed round: page cache, and the match counts
    timed = [once(q) for _ in range(rounds) for q in queries]
    print(summary("quest", [t[0] for t in timed], [t[1] for t in timed], matches.count(0)))
    for q, n in zip(queries, matches):
        print(f"{q['quest_query']}\t{n}")


def run_inprocess(db_path, queries, rounds, stopwords):
    import xapian  # python3-xapian

    db = xapian.Database(db_path)
    total_docs = db.get_doccount()
    flags = (xapian.QueryParser.FLAG_DEFAULT | xapian.QueryParser.FLAG_AUTO_SYNONYMS)
    parsers, stoppers = {}, []
    for stemmer in ("english", "french"):
        qp = xapian.QueryParser()
        qp.set_database(db)
        qp.set_stemmer(xapian.Stem(stemmer))
        qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        qp.set_default_op(xapian.Query.OP_AND)
        qp.add_boolean_prefix("lang", "L")
        qp.add_boolean_prefix("category", "XCAT")
        stopper = xapian.SimpleStopper()
        for w in sorted(stopwords[stemmer]):
            stopper.add(w)
        qp.set_stopper(stopper)
        stoppers.append(stopper)  # the parser does not own it
        parsers[stemmer] = qp

    def once(q, check_at_least):
        c0 = time.process_time()
        t0 = time.perf_counter()
        query = parsers[q["stemmer"]].parse_query(q["query"], flags)
        enquire = xapian.Enquire(db)
        enquire.set_query(query)
        mset = enquire.get_mset(0, 10, check_at_least)
        for m in mset:  # read the 10 documents, as quest prints them
            m.document.get_data()
        ms = (time.perf_counter() - t0) * 1000
        return ms, (time.process_time() - c0) * 1000, mset.get_matches_estimated()

    for name, check in (("inprocess", 0), ("inprocess-exact", total_docs)):
        matches = [once(q, check)[2] for q in queries]  # untimed round
        timed = [once(q, check) for _ in range(rounds) for q in queries]
        print(summary(name, [t[0] for t in timed], [t[1] for t in timed], matches.count(0)))
    for q, n in zip(queries, matches):
        print(f"{q['query']}\t{n}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["quest", "inprocess"])
    ap.add_argument("db", help="the Xapian database folder (data.dir/xapian-N)")
    ap.add_argument("queries", help="scripts/bench_search_queries.tsv")
    ap.add_argument("stopwords", help="the folder of stopwords.en.txt and stopwords.fr.txt (search/)")
    ap.add_argument("--rounds", type=int, default=5, help="timed rounds over the queries (default 5)")
    args = ap.parse_args()
    if not os.path.isdir(args.db):
        sys.exit(f"bench_xapian: {args.db}: no such database folder")
    stopwords = load_stopwords(args.stopwords)
    queries = load_queries(args.queries, stopwords)
    if args.mode == "quest":
        run_quest(args.db, queries, args.rounds)
    else:
        run_inprocess(args.db, queries, args.rounds, stopwords)


if __name__ == "__main__":
    main()
