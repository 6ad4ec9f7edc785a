import { randomBytes } from 'node:crypto';
import { DuplicateProfileError, ProfileLimitError, UnknownProfileError } from '../../graph/errors';
import type { Store } from '../../graph/store';
import { allowedFor, type Account, type PlaybackEvent, type Profile } from '../domain/types';
import type { CatalogIndex } from '../pipeline/catalog-index';
import type { DomainChanges } from '../domain/changes';
import { InvalidInputError, NotFoundError } from '../domain/errors';
import type { ChangeFeed } from '../shared/change-feed';
import {
  MAX_PROFILES_PER_ACCOUNT,
  parseNewProfile,
  parseOnboarding,
  parseProfileUpdate,
  settledLimit,
  type OnboardingData,
  type ProfileFieldsData,
  type ProfileUpdateData,
} from './profile-input';

/**
 * Creating and changing profiles: settings (name, kids flag, maturity limit, language),
 * onboarding answers and the personalization switch. Every change reaches the next homepage:
 * each one is published as `profileChanged`, which drops the profile's cached pages.
 */
export interface ProfileServiceOptions {
  store: Store;
  catalog: CatalogIndex;
  clock?: () => number;
  changes?: ChangeFeed<DomainChanges>;
}

export class ProfileService {
  private readonly store: Store;
  private readonly catalog: CatalogIndex;
  private readonly clock: () => number;
  private readonly changes?: ChangeFeed<DomainChanges>;

  constructor(o: ProfileServiceOptions) {
    this.store = o.store;
    this.catalog = o.catalog;
    this.clock = o.clock ?? Date.now;
    this.changes = o.changes;
  }

  /** The account's profiles, ordered by id. */
  ofAccount(accountId: string): Promise<Profile[]> {
    return this.store.profilesOfAccount(accountId);
  }

  async account(profile: Profile): Promise<Account> {
    const account = await this.store.getAccount(profile.accountId);
    if (!account) throw new Error(`profile ${profile.id} has no account ${profile.accountId}`);
    return account;
  }

  /** The profile's playback events, newest first, at most `first`. */
  viewingHistory(profile: Profile, first: number): Promise<PlaybackEvent[]> {
    return this.store.viewingHistory(profile.id, first);
  }

  async create(accountId: string, input: ProfileFieldsData): Promise<Profile> {
    const fields = parseNewProfile(input);
    const [account, siblings] = await Promise.all([this.store.getAccount(accountId), this.store.profilesOfAccount(accountId)]);
    if (!account) throw new NotFoundError('Account', accountId);
    this.uniqueName(siblings, fields.name);
    const isKids = fields.isKids ?? false;
    const profile: Profile = {
      // Random, not the next number: two replicas creating profiles at once must not pick one id.
      id: `${accountId}-p${randomBytes(4).toString('hex')}`,
      accountId,
      name: fields.name,
      isKids,
      maturityLimit: settledLimit(isKids, fields.maturityLimit),
      // A new viewer most likely speaks what the account's first profile speaks.
      language: fields.language ?? siblings[0]?.language ?? 'en',
      createdAt: this.clock(),
    };
    try {
      await this.store.createProfile(profile, MAX_PROFILES_PER_ACCOUNT);
    } catch (err) {
      if (err instanceof ProfileLimitError) throw new InvalidInputError('input', err.message);
      if (err instanceof DuplicateProfileError) throw new Error(`random profile id collided: ${profile.id}`, { cause: err });
      throw err;
    }
    return profile;
  }

  async update(profile: Profile, input: ProfileUpdateData): Promise<Profile> {
    const fields = parseProfileUpdate(input);
    if (fields.name !== undefined)
      this.uniqueName(
        (await this.store.profilesOfAccount(profile.accountId)).filter((p) => p.id !== profile.id),
        fields.name,
      );
    const isKids = fields.isKids ?? profile.isKids;
    // Turning a profile into a kids profile lowers its limit unless a limit is given.
    const limit = fields.maturityLimit ?? (isKids && !profile.isKids ? undefined : profile.maturityLimit);
    return this.save({
      ...profile,
      name: fields.name ?? profile.name,
      isKids,
      maturityLimit: settledLimit(isKids, limit),
      language: fields.language ?? profile.language,
    });
  }

  /** Stores the onboarding answers; the next homepage folds the titles in and weighs the genres. */
  async completeOnboarding(profile: Profile, input: OnboardingData): Promise<Profile> {
    const answers = parseOnboarding(input);
    const genres = new Set(await this.store.listGenres());
    answers.genres.forEach((g, i) => {
      if (!genres.has(g)) throw new InvalidInputError(`input.genres[${i}]`, `no genre ${JSON.stringify(g)} in the catalog`);
    });
    answers.titleIds.forEach((id, i) => {
      const title = this.catalog.get(id);
      if (!title) throw new InvalidInputError(`input.titleIds[${i}]`, `no title ${JSON.stringify(id)}`);
      if (!allowedFor(profile.maturityLimit, title.maturityTier))
        throw new InvalidInputError(`input.titleIds[${i}]`, `title ${JSON.stringify(id)} is above the profile's maturity limit`);
    });
    return this.save({
      ...profile,
      onboarding: { genres: [...new Set(answers.genres)], titleIds: [...new Set(answers.titleIds)], completedAt: this.clock() },
    });
  }

  async setPersonalization(profile: Profile, enabled: boolean): Promise<Profile> {
    const { personalizationOff: _was, ...rest } = profile;
    return this.save(enabled ? rest : { ...rest, personalizationOff: true });
  }

  private async save(profile: Profile): Promise<Profile> {
    try {
      await this.store.updateProfile(profile);
    } catch (err) {
      if (err instanceof UnknownProfileError) throw new NotFoundError('Profile', profile.id);
      throw err;
    }
    await this.changes?.publish('profileChanged', { profileId: profile.id });
    return profile;
  }

  private uniqueName(siblings: readonly Profile[], name: string): void {
    if (siblings.some((p) => p.name.toLowerCase() === name.toLowerCase())) {
      throw new InvalidInputError('input.name', `the account already has a profile named ${JSON.stringify(name)}`);
    }
  }
}
