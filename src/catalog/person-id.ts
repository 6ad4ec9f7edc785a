import { createHash } from 'node:crypto';

/**
 * The key that says two written names are one person: accents, case and punctuation folded
 * ("Eiza González" = "Eiza Gonzalez", "Park Hae-soo" = "Park Hae Soo"). Names with no Latin
 * letters (Hangul, Kanji) are keyed by a hash of the name itself.
 */
export function personSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug || createHash('sha1').update(name).digest('hex').slice(0, 10);
}
