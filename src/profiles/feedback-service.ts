import { UnknownProfileError } from '../../graph/errors';
import type { Store } from '../../graph/store';
import { allowedFor, type Profile } from '../domain/types';
import { resolveTitles, type CatalogIndex } from '../pipeline/catalog-index';
import type { DomainChanges } from '../domain/changes';
import { NotFoundError } from '../domain/errors';
import type { FeedbackChange, TitleFeedback } from '../domain/title-feedback';
import type { ChangeFeed } from '../shared/change-feed';

export interface FeedbackServiceOptions {
  store: Store;
  catalog: CatalogIndex;
  clock?: () => number;
  /** Hears `feedbackChanged`: the profile's cached pages are dropped. */
  changes?: ChangeFeed<DomainChanges>;
}

/** One entry of My List. */
export interface MyListEntry {
  titleId: string;
  addedAt: number;
}

/**
 * What viewers tell the service directly: thumbs, "not interested", My List and removals from
 * Continue Watching. Each is stored at once (src/domain/title-feedback.ts says what a change does)
 * and reaches the profile's next homepage. They are instructions, not behaviour, so they are kept
 * with personalization off too.
 */
export class FeedbackService {
  private readonly store: Store;
  private readonly catalog: CatalogIndex;
  private readonly clock: () => number;
  private readonly changes?: ChangeFeed<DomainChanges>;

  constructor(o: FeedbackServiceOptions) {
    this.store = o.store;
    this.catalog = o.catalog;
    this.clock = o.clock ?? Date.now;
    this.changes = o.changes;
  }

  /** Applies one control; answers the title's record afterwards (every control off when nothing is left). */
  async change(profile: Profile, titleId: string, change: FeedbackChange): Promise<TitleFeedback> {
    // The store too: a title another replica added a moment ago is not in this one's catalog yet.
    const [title] = await resolveTitles(this.catalog, this.store, [titleId]);
    // A title above the profile's limit is not one it can see, so not one it can rate or list.
    if (!title || !allowedFor(profile.maturityLimit, title.maturityTier)) throw new NotFoundError('Title', titleId);
    const at = this.clock();
    let after: TitleFeedback | null;
    try {
      after = await this.store.changeTitleFeedback(profile.id, titleId, change, at);
    } catch (err) {
      if (err instanceof UnknownProfileError) throw new NotFoundError('Profile', profile.id);
      throw err;
    }
    await this.changes?.publish('feedbackChanged', { profileId: profile.id, titleId });
    return after ?? none(profile.id, titleId, at);
  }

  /** The profile's My List, most recently added first (ties by title id), within its (possibly lowered) maturity limit. */
  async myList(profile: Profile): Promise<MyListEntry[]> {
    const listed = (await this.store.titleFeedback(profile.id)).filter((f) => f.myListAt !== null);
    const titles = await resolveTitles(
      this.catalog,
      this.store,
      listed.map((f) => f.titleId),
    );
    return listed
      .flatMap((f, i) => {
        const title = titles[i];
        return title && allowedFor(profile.maturityLimit, title.maturityTier) ? [{ titleId: f.titleId, addedAt: f.myListAt! }] : [];
      })
      .sort((a, b) => b.addedAt - a.addedAt || (a.titleId < b.titleId ? -1 : 1));
  }
}

const none = (profileId: string, titleId: string, at: number): TitleFeedback => ({
  profileId,
  titleId,
  rating: null,
  ratedAt: null,
  notInterestedAt: null,
  myListAt: null,
  hiddenAt: null,
  updatedAt: at,
});
