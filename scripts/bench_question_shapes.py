#!/usr/bin/python3
"""The widened natural question of the search benchmark, in the query shapes compared for issue #20
(docs/PERFORMANCE.md, "issue #20, the article page and the search gap"), timed with python3-xapian on an
index built by `entraide import` or `reindex` of the generated corpus (scripts/gen_corpus.py --docs 100000).

The question is `how can volunteers share files without google drive`; its terms are the ones entraide's
parser makes of it (English and French stems, Z prefix; ZS for the title field; L for the language), as the
server prints them with Query::get_description. Each shape: one untimed get_mset(0, 20, 1000), then 7 timed;
prints the median in ms and the first five document ids (the same ids mean the same first results).

Usage: /usr/bin/python3 scripts/bench_question_shapes.py DATA_DIR/xapian-N
"""

import sys
import time

import xapian  # python3-xapian

Q = xapian.Query
EN = ["volunt", "share", "file", "without", "googl", "drive"]
FR = ["volunteer", "shar", "fil", "without", "googl", "driv"]


def terms(prefix, words):
    return [Q(prefix + w) for w in words]


def reading(words, lang, op, titles):
    """One language's reading: the body words joined by `op`, then the title words' weight (titles(words))."""
    body = Q(op, terms("Z", words))
    if titles is not None:
        body = titles(body, words)
    return Q(Q.OP_FILTER, body, Q("L" + lang))


def both(op, titles):
    return Q(Q.OP_OR, reading(EN, "en", op, titles), reading(FR, "fr", op, titles))


def title_sum(scale):
    return lambda body, words: Q(Q.OP_AND_MAYBE, body, Q(Q.OP_SCALE_WEIGHT, Q(Q.OP_OR, terms("ZS", words)), scale))


def title_best(scale):
    return lambda body, words: Q(Q.OP_AND_MAYBE, body, Q(Q.OP_SCALE_WEIGHT, Q(Q.OP_MAX, terms("ZS", words)), scale))


def title_or(body, words):
    return Q(Q.OP_OR, body, Q(Q.OP_SCALE_WEIGHT, Q(Q.OP_OR, terms("ZS", words)), 4))


def widened(any_titles):
    return Q(Q.OP_OR, Q(Q.OP_SCALE_WEIGHT, both(Q.OP_AND, title_sum(4)), 2), both(Q.OP_OR, any_titles))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("Usage: ")[1])
    db = xapian.Database(sys.argv[1])
    shapes = [
        ("as served: 2 x AND (title weight) OR any word (title weight)", widened(title_sum(4)), 1000),
        ("the same, check_at_least 0", widened(title_sum(4)), 0),
        ("any word without title weight", widened(None), 1000),
        ("any word, best title word (OP_MAX) x 4", widened(title_best(4)), 1000),
        ("any word, best title word (OP_MAX) x 2", widened(title_best(2)), 1000),
        ("any word, best title word (OP_MAX) x 1", widened(title_best(1)), 1000),
        ("any word, title weight OR'ed in", widened(title_or), 1000),
        ("Xapian's OR of the words, English stems", Q(Q.OP_OR, terms("Z", EN)), 1000),
        ("Xapian's OR of the words, both languages", both(Q.OP_OR, None), 1000),
        ("AND of the words, English stems (the top-10 baseline's shape)", Q(Q.OP_AND, terms("Z", EN)), 0),
    ]
    for name, query, check in shapes:
        enquire = xapian.Enquire(db)
        enquire.set_query(query)
        enquire.get_mset(0, 20, check)
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            mset = enquire.get_mset(0, 20, check)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print(f"{times[3]:7.2f} ms  {name}  (first: {[m.docid for m in mset][:5]})")


if __name__ == "__main__":
    main()
