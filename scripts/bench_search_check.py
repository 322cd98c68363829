#!/usr/bin/python3
"""Each query of the search benchmark once per round against entraide's /api/v1/search, one at a time
over one keep-alive connection to 127.0.0.1 (scripts/bench search, before wrk). Stdlib only.

Prints one line per query, tab-separated: status, total, suggestion ("" when none), "corrected" or "",
median milliseconds over the rounds (request sent to JSON parsed), and the query with its filters.
Exits 1 when a request fails outright (no answer, or an answer that is not JSON).

Usage: /usr/bin/python3 scripts/bench_search_check.py http://127.0.0.1:PORT QUERIES.tsv [--rounds 3]
"""

import argparse
import http.client
import json
import statistics
import sys
import time
import urllib.parse

from bench_queries import read_queries


def load(path):
    out = []
    for _, lang, category, q in read_queries(path):
        params, label = [("q", q)], q
        if lang != "-":
            params.append(("lang", lang))
            label += f" lang={lang}"
        if category != "-":
            params.append(("category", category))
            label += f" category={category}"
        out.append(("/api/v1/search?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote), label))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url")
    ap.add_argument("queries")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    u = urllib.parse.urlsplit(args.url)
    if u.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("bench_search_check: loopback addresses only")
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    queries = load(args.queries)
    times = {label: [] for _, label in queries}
    answers = {}
    for _ in range(args.rounds):
        for path, label in queries:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
            except (OSError, http.client.HTTPException) as e:
                sys.exit(f"bench_search_check: {label!r}: {e}")
            data = None
            try:
                data = json.loads(body)
            except ValueError:
                sys.exit(f"bench_search_check: {label!r}: status {resp.status}, not JSON: {body[:200]!r}")
            times[label].append((time.perf_counter() - t0) * 1000)
            if label not in answers:
                answers[label] = (resp.status, data)
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
    for _, label in queries:
        status, data = answers[label]
        total = data.get("total", "-") if isinstance(data, dict) else "-"
        sugg = (data.get("suggestion") or "") if isinstance(data, dict) else ""
        corrected = "corrected" if isinstance(data, dict) and data.get("corrected") else ""
        print(f"{status}\t{total}\t{sugg}\t{corrected}\t{statistics.median(times[label]):.2f}\t{label}")


if __name__ == "__main__":
    main()
