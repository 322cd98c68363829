#!/usr/bin/python3
"""Deterministic synthetic corpus for the search benchmark (scripts/bench search).

Writes DOCS articles (DOCS/2 keys, each in en and fr, the two versions linked by a shared key) into
OUT/en/*.md and OUT/fr/*.md, in the format of content/ (YAML front matter, Markdown body), and copies
content/categories.yml beside them. The text is made of the repo's own words: each language's
content/<lang>/*.md articles are split into words (one list per language, in file order), and the
text is a walk over that list, each word followed by a word that follows it somewhere in the real
articles (a first-order chain), so common phrases ("mot de passe", "password manager") occur and
phrase queries have something to find. A fixed random seed drives every choice.

Same repo content, same options, same Python (3.2+: random.seed(int) and random.random() are stable)
-> byte-identical output. Only the standard library is used.

Each article: a title of 4-8 words, a one-sentence summary, a body of 300-800 words in paragraphs with
2-4 '## ' headings, one of the categories of categories.yml, 2-4 tags (from the tags the repo's
articles of that language use), and an updated date between 2023-01-01 and 2026-11-27.

Usage: /usr/bin/python3 scripts/gen_corpus.py OUT [--docs 10000] [--seed 20261128] [--content DIR]
"""

import argparse
import datetime
import os
import random
import re
import shutil
import sys
import unicodedata

LANGS = ("en", "fr")
# Words: letters (accented too), with apostrophes or dashes inside ("l'organisme", "co-op").
WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
SENTENCE_END_RE = re.compile(r"[.!?]")


def read_articles(folder):
    """The body text of each .md file of folder, in sorted file-name order (front matter dropped)."""
    texts = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".md"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            text = f.read()
        if text.startswith("---\n"):
            end = text.find("\n---\n", 4)
            if end != -1:
                text = text[end + 5:]
        texts.append(text)
    return texts


def read_tags(folder):
    """Every tag the articles of folder use, sorted, without duplicates."""
    tags = set()
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".md"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            for line in f:
                if line.startswith("tags:"):
                    inner = line.split(":", 1)[1].strip().strip("[]")
                    tags.update(t.strip() for t in inner.split(",") if t.strip())
                    break
    return sorted(tags)


def clean_markdown(text):
    """Markdown to plain words: code, URLs, link targets, HTML and table rules removed."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "] ", text)  # [text](url) -> text
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"^\s*\|?[-:| ]+\|?\s*$", ".", text, flags=re.M)  # table rules
    text = re.sub(r"^#+ ", ". ", text, flags=re.M)  # a heading ends the sentence before it
    text = re.sub(r"\n\s*\n", " . ", text)  # so does a paragraph break
    return text


def word_list(texts):
    """The words of texts in order, lower-cased, with None where a sentence ends."""
    words = []
    for text in texts:
        text = clean_markdown(text)
        pos = 0
        for m in WORD_RE.finditer(text):
            if SENTENCE_END_RE.search(text, pos, m.start()) and words and words[-1] is not None:
                words.append(None)
            words.append(m.group(0).replace("’", "'").lower())
            pos = m.end()
        if words and words[-1] is not None:
            words.append(None)
    return words


class Chain:
    """First-order chain over a word list: which words follow which (with repeats, in order)."""

    def __init__(self, words):
        self.follow = {}
        self.starts = []  # words that begin a sentence
        prev = None
        for w in words:
            if w is None:
                prev = None
                continue
            if prev is None:
                self.starts.append(w)
            else:
                self.follow.setdefault(prev, []).append(w)
            prev = w
        self.vocab = sorted(self.follow)  # every word that has a follower
        if not self.starts or not self.vocab:
            raise SystemExit("gen_corpus: not enough words in the source articles")

    def walk(self, rng, n, start=None):
        """n words: a sentence start (or `start`), then followers; a dead end jumps to a random word."""
        w = start if start is not None else rng.choice(self.starts)
        out = [w]
        while len(out) < n:
            nxt = self.follow.get(w)
            w = rng.choice(nxt) if nxt else rng.choice(self.vocab)
            out.append(w)
        return out


def sentence(words, end="."):
    s = " ".join(words)
    return s[:1].upper() + s[1:] + end


def slugify(text):
    """ASCII lower-case letters and digits with single dashes (what content/ accepts as a slug)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))


def yaml_quote(s):
    """A double-quoted YAML scalar (the text may hold ':' or '#')."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def categories_of(path):
    slugs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^- slug: *([a-z0-9-]+)", line)
            if m:
                slugs.append(m.group(1))
    if not slugs:
        raise SystemExit(f"gen_corpus: no categories in {path}")
    return slugs


def body(rng, chain, n_words):
    """n_words words (headings not counted) in paragraphs of 2-5 sentences, with 2-4 '## ' headings."""
    n_headings = rng.randint(2, 4)
    # The words of each section: the intro and each heading's section get a share.
    cuts = sorted(rng.sample(range(40, n_words - 40), n_headings))
    sizes = [b - a for a, b in zip([0] + cuts, cuts + [n_words])]
    parts = []
    for i, size in enumerate(sizes):
        if i > 0:
            parts.append("## " + sentence(chain.walk(rng, rng.randint(2, 5)), end=""))
        left = size
        while left > 0:
            sentences = []
            for _ in range(rng.randint(2, 5)):
                if left <= 0:
                    break
                n = min(left, rng.randint(8, 22))
                sentences.append(sentence(chain.walk(rng, n)))
                left -= n
            parts.append(" ".join(sentences))
    return "\n\n".join(parts) + "\n"


def article(rng, chain, tags_pool, lang, key, category, updated):
    title_words = chain.walk(rng, rng.randint(4, 8))
    title = sentence(title_words, end="")
    slug = "-".join(filter(None, [slugify(" ".join(title_words[:5])), key.split("-")[-1]]))
    summary = sentence(chain.walk(rng, rng.randint(12, 25)))
    tags = rng.sample(tags_pool, rng.randint(2, 4))
    text = "\n".join([
        "---",
        "title: " + yaml_quote(title),
        "slug: " + slug,
        "lang: " + lang,
        "key: " + key,
        "category: " + category,
        "tags: [" + ", ".join(tags) + "]",
        "summary: " + yaml_quote(summary),
        "updated: " + updated,
        "---",
        "",
        body(rng, chain, rng.randint(300, 800)),
    ])
    return slug, text


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="folder to write (created; must not already hold en/ or fr/ articles)")
    ap.add_argument("--docs", type=int, default=10000, help="documents in all, an even number (default 10000)")
    ap.add_argument("--seed", type=int, default=20261128, help="random seed (default 20261128)")
    ap.add_argument("--content", default=os.path.join(here, "..", "content"),
                    help="the repo's content/ folder, source of the words, tags and categories")
    args = ap.parse_args()
    if args.docs < 2 or args.docs % 2:
        ap.error("--docs must be an even number >= 2 (each key has an en and a fr article)")

    categories_yml = os.path.join(args.content, "categories.yml")
    categories = categories_of(categories_yml)
    chains, tag_pools = {}, {}
    for lang in LANGS:
        folder = os.path.join(args.content, lang)
        chains[lang] = Chain(word_list(read_articles(folder)))
        tag_pools[lang] = read_tags(folder)
        if len(tag_pools[lang]) < 4:
            raise SystemExit(f"gen_corpus: fewer than 4 tags in {folder}")

    for lang in LANGS:
        d = os.path.join(args.out, lang)
        if os.path.isdir(d) and any(n.endswith(".md") for n in os.listdir(d)):
            raise SystemExit(f"gen_corpus: {d} already holds articles; give an empty folder")
        os.makedirs(d, exist_ok=True)
    shutil.copyfile(categories_yml, os.path.join(args.out, "categories.yml"))

    rng = random.Random(args.seed)
    first_day = datetime.date(2023, 1, 1).toordinal()
    last_day = datetime.date(2026, 11, 27).toordinal()
    keys = args.docs // 2
    width = max(5, len(str(keys)))
    for i in range(1, keys + 1):
        key = f"corpus-{i:0{width}d}"
        category = rng.choice(categories)
        updated = datetime.date.fromordinal(rng.randint(first_day, last_day)).isoformat()
        for lang in LANGS:
            slug, text = article(rng, chains[lang], tag_pools[lang], lang, key, category, updated)
            with open(os.path.join(args.out, lang, slug + ".md"), "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
    print(f"gen_corpus: {args.docs} articles ({keys} keys x {len(LANGS)} languages) in {args.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
