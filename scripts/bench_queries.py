"""The search benchmark's queries (scripts/bench_search_queries.tsv), read by bench_search_check.py and
bench_xapian.py: one query a line, tab-separated: the language of its words (en or fr), the lang filter and the
category filter ("-" for none), the query. Empty lines and lines starting with # are left out. Stdlib only."""


def read_queries(path):
    """(words_lang, lang, category, q) for each query of the file at `path`."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            words_lang, lang, category, q = line.split("\t")
            yield words_lang, lang, category, q
