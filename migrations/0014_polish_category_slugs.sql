-- Issue #21: a category's address in each language (/fr/categories/securite, /en/categories/security).
-- Empty: the category's slug (which articles name in their front matter); the old addresses redirect.
ALTER TABLE categories ADD COLUMN url_en TEXT NOT NULL DEFAULT '';
ALTER TABLE categories ADD COLUMN url_fr TEXT NOT NULL DEFAULT '';
