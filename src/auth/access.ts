import type { Store } from '../../graph/store';
import type { Profile } from '../domain/types';
import { ForbiddenError, InvalidInputError, NotFoundError, UnauthenticatedError } from '../domain/errors';
import type { Principal } from './principal';

const GET_A_TOKEN = 'send "Authorization: Bearer <token>" (npm run token -- --account <id>)';
const PARTNER_SCOPE = 'Partner keys grant catalog queries and similarTitles only';
const ADMIN_SCOPE = "Admin tokens grant catalog writes and experiments only; profile data needs the account's own token";

/**
 * One request's access: who is calling, and the checks resolvers make before they read or write.
 * A request whose credentials failed carries the reason and is refused wherever credentials
 * matter; introspection needs none, so the IDE can load the schema before a token is entered.
 */
export class Access {
  constructor(
    readonly principal: Principal,
    private readonly profileStore: Pick<Store, 'getProfiles'>,
    private readonly anonymousCatalog: boolean,
    /** Why the request's credentials were refused (malformed, badly signed, expired), if they were. */
    private readonly refusal: string | null = null,
  ) {}

  /** Catalog reads (titles, similarTitles): any valid token; no token only where ALLOW_ANONYMOUS_CATALOG is set. */
  catalog(): void {
    this.checkCredentials();
    if (this.principal.kind === 'anonymous' && !this.anonymousCatalog) {
      throw new UnauthenticatedError(
        `Catalog queries need an account token or a partner API key: ${GET_A_TOKEN}, or a partner key (--partner <name>)`,
      );
    }
  }

  /** Catalog writes (addTitle): admin tokens only. */
  catalogWrite(): void {
    this.checkCredentials();
    if (this.principal.kind === 'anonymous')
      throw new UnauthenticatedError('Catalog writes need an admin token (npm run token -- --admin <name>)');
    if (this.principal.kind !== 'admin') throw new ForbiddenError('Catalog writes need an admin token');
  }

  /** Experiments (define, start, stop, read results): admin tokens only. */
  experimentsAdmin(): void {
    this.checkCredentials();
    if (this.principal.kind === 'anonymous')
      throw new UnauthenticatedError('Experiments need an admin token (npm run token -- --admin <name>)');
    if (this.principal.kind !== 'admin') throw new ForbiddenError('Experiments need an admin token');
  }

  /** Operations figures (recommendation-quality monitoring): admin tokens only. */
  monitoringAdmin(): void {
    this.checkCredentials();
    if (this.principal.kind === 'anonymous')
      throw new UnauthenticatedError('Monitoring needs an admin token (npm run token -- --admin <name>)');
    if (this.principal.kind !== 'admin') throw new ForbiddenError('Monitoring needs an admin token');
  }

  /** The calling account's id; partners, admins and anonymous callers have none. */
  accountId(): string {
    this.checkCredentials();
    switch (this.principal.kind) {
      case 'account':
        return this.principal.accountId;
      case 'partner':
        throw new ForbiddenError(PARTNER_SCOPE);
      case 'admin':
        throw new ForbiddenError(ADMIN_SCOPE);
      case 'anonymous':
        throw new UnauthenticatedError(`Profile data needs the account's token: ${GET_A_TOKEN}`);
    }
  }

  /** The profile, if it belongs to the calling account: NOT_FOUND when unknown, FORBIDDEN when another account's. */
  async profile(profileId: string): Promise<Profile> {
    return (await this.profiles([profileId]))[0];
  }

  /**
   * What `read` answers for a profile of the calling account, read with the profile in one store
   * call (Store.viewerState): the principal is checked before anything is read, and `read` is given
   * the calling account so that it reads nothing else of another account's profile; the profile is
   * then checked with profile()'s errors.
   */
  async withProfile<T extends { profile: Profile | null }>(
    profileId: string,
    read: (id: string, accountId: string) => Promise<T>,
  ): Promise<T & { profile: Profile }> {
    const accountId = this.accountId();
    const found = await read(profileId, accountId);
    owned(profileId, found.profile, accountId);
    return found as T & { profile: Profile };
  }

  /**
   * The profiles (in the order asked), all of them the calling account's, or an error and none: one
   * store call for a batch. `field(i)` names the input holding id `i` (an event's profileId): an
   * unknown id is then BAD_USER_INPUT naming it, as other invalid event fields are; else NOT_FOUND.
   */
  async profiles(profileIds: readonly string[], field?: (index: number) => string): Promise<Profile[]> {
    const accountId = this.accountId();
    if (profileIds.length === 0) return [];
    const unique = [...new Set(profileIds)];
    const found = new Map((await this.profileStore.getProfiles(unique)).map((p, i) => [unique[i], p]));
    return profileIds.map((id, i) => {
      const profile = found.get(id);
      if (!profile && field) throw new InvalidInputError(field(i), `no profile ${JSON.stringify(id)}`);
      return owned(id, profile, accountId);
    });
  }

  private checkCredentials(): void {
    if (this.refusal !== null) throw new UnauthenticatedError(`Invalid credentials: ${this.refusal}`);
  }
}

/** The profile if it is the account's: NOT_FOUND when there is none, FORBIDDEN when another account's. */
function owned(profileId: string, profile: Profile | null | undefined, accountId: string): Profile {
  if (!profile) throw new NotFoundError('Profile', profileId);
  if (profile.accountId !== accountId) throw new ForbiddenError(`Profile ${JSON.stringify(profileId)} belongs to another account`);
  return profile;
}
