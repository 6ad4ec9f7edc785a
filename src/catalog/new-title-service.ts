import { DuplicateTitleError } from '../../graph/errors';
import type { Store } from '../../graph/store';
import type { ArtworkTheme, PersonRef, Title } from '../domain/types';
import type { DomainChanges } from '../domain/changes';
import { InvalidInputError } from '../domain/errors';
import type { ChangeFeed } from '../shared/change-feed';
import type { ContentIndex } from '../similarity/content-index';
import { edgesForNewTitle, type SimilarityOptions } from '../similarity/similarity-graph';
import type { CatalogIndex } from '../pipeline/catalog-index';
import { personSlug } from './person-id';
import { parseNewTitle, type NewTitleData, type NewTitleInputData } from './new-title-input';

/** Variants a title gets when the input names none: one each of the most general themes. */
const DEFAULT_THEMES: ArtworkTheme[] = ['PORTRAIT', 'DRAMATIC', 'ENSEMBLE'];

export interface NewTitleServiceOptions {
  store: Store;
  catalog: CatalogIndex;
  index: ContentIndex;
  options: SimilarityOptions;
  clock?: () => number;
  /** Hears `titleAdded`: cached neighbour lists are stale. */
  changes?: ChangeFeed<DomainChanges>;
}

/**
 * Content-based cold start: a new title is linked to its metadata and gets SIMILAR_TO edges
 * both ways, in one store transaction, before anyone has watched it.
 */
export class NewTitleService {
  private peopleBySlug: Map<string, PersonRef> | null = null;

  private readonly store: Store;
  private readonly catalog: CatalogIndex;
  private readonly index: ContentIndex;
  private readonly options: SimilarityOptions;
  private readonly clock: () => number;
  private readonly changes?: ChangeFeed<DomainChanges>;

  constructor(o: NewTitleServiceOptions) {
    this.store = o.store;
    this.catalog = o.catalog;
    this.index = o.index;
    this.options = o.options;
    this.clock = o.clock ?? Date.now;
    this.changes = o.changes;
  }

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
    this.takeIn(title);
    await this.changes?.publish('titleAdded', { titleId: title.id });
    return title;
  }

  /** Takes in a title stored already (here, or by another replica): the catalog, content index and people know it. */
  takeIn(title: Title): void {
    this.catalog.add(title);
    this.index.add(title);
    for (const p of [...title.cast, ...title.directors])
      if (!this.people().has(personSlug(p.name))) this.people().set(personSlug(p.name), p);
  }

  private toTitle(d: NewTitleData): Title {
    const id = d.externalId;
    const themes = [...new Set(d.artworkThemes ?? DEFAULT_THEMES)];
    return {
      id,
      name: d.name,
      kind: d.kind,
      description: d.description ?? '',
      genres: d.genres,
      tags: d.tags ?? [],
      cast: this.peopleNamed(d.cast ?? []),
      directors: this.peopleNamed(d.directors ?? []),
      country: d.country,
      language: d.language,
      releaseYear: d.releaseYear,
      maturityRating: d.maturityRating,
      maturityTier: d.maturityTier,
      runtimeMinutes: d.runtimeMinutes,
      seasons: d.seasons ?? null,
      criticScore: d.criticScore ?? null,
      addedAt: this.clock(),
      artwork: themes.map((theme, k) => ({ id: `${id}-a${k + 1}`, titleId: id, theme })),
    };
  }

  /**
   * People are matched by their folded name (personSlug), so a new film by a known director
   * links to their work however the accents are typed; a new person's id derives from the same
   * key, so concurrent adds (even on two replicas) of one new name agree on one id.
   */
  private person(name: string): PersonRef {
    return this.people().get(personSlug(name)) ?? { id: `np-${personSlug(name)}`, name };
  }

  /** Two spellings of one name in one list are one person, listed once. */
  private peopleNamed(names: readonly string[]): PersonRef[] {
    const refs = names.map((n) => this.person(n));
    return refs.filter((p, i) => refs.findIndex((q) => q.id === p.id) === i);
  }

  private people(): Map<string, PersonRef> {
    if (!this.peopleBySlug) {
      this.peopleBySlug = new Map();
      const all = [...this.catalog.all()].sort((a, b) => (a.id < b.id ? -1 : 1));
      for (const t of all)
        for (const p of [...t.cast, ...t.directors])
          if (!this.peopleBySlug.has(personSlug(p.name))) this.peopleBySlug.set(personSlug(p.name), p);
    }
    return this.peopleBySlug;
  }
}

function duplicate(id: string) {
  return new InvalidInputError('input.externalId', `a title with id "${id}" already exists`);
}
