import { DuplicateTitleError } from '../../graph/errors';
import type { Store } from '../../graph/store';
import type { ArtworkTheme, PersonRef, Title } from '../../graph/types';
import { badInput } from '../server/errors';
import type { ContentIndex } from '../similarity/content-index';
import { edgesForNewTitle, type SimilarityOptions } from '../similarity/similarity-graph';
import type { CatalogIndex } from './catalog-index';
import { parseNewTitle, type NewTitleData, type NewTitleInputData } from './new-title-input';

/** Variants a title gets when the input names none: one each of the most general themes. */
const DEFAULT_THEMES: ArtworkTheme[] = ['PORTRAIT', 'DRAMATIC', 'ENSEMBLE'];

const slug = (name: string) =>
  name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '');

/**
 * Content-based cold start: a new title is linked to its metadata and gets SIMILAR_TO edges
 * both ways, in one store transaction, before anyone has watched it.
 */
export class NewTitleService {
  private peopleByName: Map<string, PersonRef> | null = null;

  constructor(
    private readonly store: Store,
    private readonly catalog: CatalogIndex,
    private readonly index: ContentIndex,
    private readonly options: SimilarityOptions,
    private readonly clock: () => number = Date.now,
    private readonly onAdded: () => void = () => {},
  ) {}

  async add(input: NewTitleInputData): Promise<Title> {
    const data = parseNewTitle(input);
    if (this.catalog.get(data.externalId)) throw duplicate(data.externalId);
    const title = this.toTitle(data);
    // Two concurrent adds do not see each other here; each still gets its edges to the catalog.
    const edges = edgesForNewTitle(this.index, title, this.options);
    try {
      await this.store.addTitle(title, edges);
    } catch (err) {
      if (err instanceof DuplicateTitleError) throw duplicate(title.id);
      throw err;
    }
    this.catalog.add(title);
    this.index.add(title);
    for (const p of [...title.cast, ...title.directors]) this.people().set(p.name, p);
    this.onAdded();
    return title;
  }

  private toTitle(d: NewTitleData): Title {
    const id = d.externalId;
    const themes = [...new Set(d.artworkThemes ?? DEFAULT_THEMES)];
    return {
      id, name: d.name, kind: d.kind, description: d.description ?? '', genres: d.genres, tags: d.tags ?? [],
      cast: (d.cast ?? []).map((n) => this.person(n)), directors: (d.directors ?? []).map((n) => this.person(n)),
      country: d.country, language: d.language, releaseYear: d.releaseYear,
      maturityRating: d.maturityRating, maturityTier: d.maturityTier, runtimeMinutes: d.runtimeMinutes,
      seasons: d.seasons ?? null, criticScore: d.criticScore ?? null, addedAt: this.clock(),
      artwork: themes.map((theme, k) => ({ id: `${id}-a${k + 1}`, titleId: id, theme })),
    };
  }

  /** People are matched by exact name, so a new film by a known director links to their work. */
  private person(name: string): PersonRef {
    const known = this.people().get(name);
    if (known) return known;
    const taken = new Set([...this.people().values()].map((p) => p.id));
    let id = `np-${slug(name) || 'person'}`;
    for (let n = 2; taken.has(id); n++) id = `np-${slug(name) || 'person'}-${n}`;
    return { id, name };
  }

  private people(): Map<string, PersonRef> {
    if (!this.peopleByName) {
      this.peopleByName = new Map();
      const all = [...this.catalog.all()].sort((a, b) => (a.id < b.id ? -1 : 1));
      for (const t of all) for (const p of [...t.cast, ...t.directors]) if (!this.peopleByName.has(p.name)) this.peopleByName.set(p.name, p);
    }
    return this.peopleByName;
  }
}

function duplicate(id: string) {
  return badInput('input.externalId', `a title with id "${id}" already exists`);
}
