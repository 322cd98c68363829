-- What import last saw of each file of content/ (#20): its stat (size, modification and change times, inode) and
-- its SHA-256. A file whose stat is the same at the next import is not read, parsed nor hashed again: serve
-- imports at every start, and 100,000 unchanged files cost 22 s to read and parse. A file is only recorded when
-- it was older than the import by more than two seconds (a file changed twice within the clock's step keeps its
-- stat), and when its article serves it (not in conflict, not failed).
CREATE TABLE content_files (
  path      TEXT PRIMARY KEY,   -- relative to content.dir, e.g. "fr/sauvegardes.md"
  lang      TEXT NOT NULL,
  slug      TEXT NOT NULL,
  key       TEXT NOT NULL,
  size      INTEGER NOT NULL,
  mtime_ns  INTEGER NOT NULL,
  ctime_ns  INTEGER NOT NULL,
  inode     INTEGER NOT NULL,
  file_hash TEXT NOT NULL       -- SHA-256 (hex) of the file, as in articles.file_hash
) WITHOUT ROWID;

-- What import compares for every article, readable without the rows: `html` and `plain` come first in a row of
-- articles and `source` in one of article_revisions, and SQLite walks a large value's overflow pages to reach the
-- columns after it (the hashes, added by 0018): at 100,000 articles, 1.5 s of reads at every start.
-- (ArticleRepository::AllVersions names article_revisions_hash with INDEXED BY: for a lookup by id, SQLite
-- prefers the table.)
CREATE INDEX articles_import ON articles (lang, slug, id, published, content_hash, source_path, revision_id, file_hash);
CREATE INDEX article_revisions_hash ON article_revisions (id, source_hash);
