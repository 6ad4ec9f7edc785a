import { createHash } from 'node:crypto';
import type { Artwork, ArtworkTheme, Title } from '../domain/types';

/** Colours and a motif per theme, so variants of one title look different at a glance. */
const THEME_STYLE: Record<ArtworkTheme, { from: string; to: string; accent: string; motif: string }> = {
  ACTION: {
    from: '#7f1d1d',
    to: '#f97316',
    accent: '#fde68a',
    motif: '<path d="M40 300 L200 120 L160 250 L300 80" stroke="#fde68a" stroke-width="10" fill="none"/>',
  },
  ROMANCE: {
    from: '#831843',
    to: '#f9a8d4',
    accent: '#fff1f2',
    motif: '<path d="M170 250 C90 190 110 120 170 160 C230 120 250 190 170 250Z" fill="#fff1f2" opacity="0.8"/>',
  },
  ENSEMBLE: {
    from: '#1e3a8a',
    to: '#60a5fa',
    accent: '#e0f2fe',
    motif:
      '<g fill="#e0f2fe" opacity="0.85"><circle cx="90" cy="190" r="34"/><circle cx="170" cy="170" r="40"/><circle cx="250" cy="190" r="34"/></g>',
  },
  DRAMATIC: {
    from: '#111827',
    to: '#6b7280',
    accent: '#f3f4f6',
    motif: '<rect x="60" y="110" width="220" height="150" fill="none" stroke="#f3f4f6" stroke-width="6"/>',
  },
  COMEDY: {
    from: '#a16207',
    to: '#fde047',
    accent: '#1f2937',
    motif:
      '<circle cx="170" cy="185" r="70" fill="#1f2937" opacity="0.15"/><path d="M125 200 Q170 250 215 200" stroke="#1f2937" stroke-width="10" fill="none"/>',
  },
  PORTRAIT: {
    from: '#3f3f46',
    to: '#d6d3d1',
    accent: '#fafaf9',
    motif:
      '<ellipse cx="170" cy="170" rx="60" ry="75" fill="#fafaf9" opacity="0.7"/><rect x="95" y="240" width="150" height="80" rx="40" fill="#fafaf9" opacity="0.7"/>',
  },
  SCENIC: {
    from: '#064e3b',
    to: '#67e8f9',
    accent: '#ecfeff',
    motif: '<path d="M0 300 L90 170 L160 250 L240 140 L340 300Z" fill="#ecfeff" opacity="0.6"/>',
  },
  DARK: {
    from: '#020617',
    to: '#312e81',
    accent: '#c7d2fe',
    motif: '<circle cx="230" cy="120" r="40" fill="#c7d2fe" opacity="0.7"/><path d="M0 320 L340 260 L340 510 L0 510Z" fill="#020617"/>',
  },
};

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Splits a name into at most three lines of about 16 characters for the poster. */
function lines(name: string): string[] {
  const out: string[] = [];
  for (const word of name.split(/\s+/)) {
    const last = out.at(-1);
    if (last !== undefined && (last + ' ' + word).length <= 16) out[out.length - 1] = `${last} ${word}`;
    else out.push(word);
  }
  return out.slice(0, 3);
}

/** A 340×510 poster for one artwork variant: theme gradient, motif, title name. Deterministic. */
export function posterSvg(title: Title, artwork: Artwork): { svg: string; etag: string } {
  const style = THEME_STYLE[artwork.theme];
  const text = lines(title.name)
    .map((l, i) => `<text x="170" y="${380 + i * 38}" font-size="32" text-anchor="middle">${escapeXml(l)}</text>`)
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="340" height="510" viewBox="0 0 340 510" role="img" aria-label="${escapeXml(title.name)}">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${style.from}"/><stop offset="1" stop-color="${style.to}"/></linearGradient></defs>` +
    `<rect width="340" height="510" fill="url(#g)"/>${style.motif}` +
    `<g fill="${style.accent}" font-family="Helvetica, Arial, sans-serif" font-weight="700">${text}</g>` +
    `<text x="170" y="490" fill="${style.accent}" font-family="Helvetica, Arial, sans-serif" font-size="14" text-anchor="middle" opacity="0.8">${escapeXml(`${title.releaseYear} · ${title.maturityRating} · ${artwork.theme.toLowerCase()}`)}</text></svg>`;
  return { svg, etag: `"${createHash('sha1').update(svg).digest('base64url')}"` };
}
