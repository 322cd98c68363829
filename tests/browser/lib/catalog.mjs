// The site's UI strings (views/i18n/*.json), to check pages against the words they should show.
import { readFileSync } from 'node:fs';

const root = new URL('../../../views/i18n/', import.meta.url);
export const T = {
  fr: JSON.parse(readFileSync(new URL('fr.json', root), 'utf8')),
  en: JSON.parse(readFileSync(new URL('en.json', root), 'utf8')),
};
