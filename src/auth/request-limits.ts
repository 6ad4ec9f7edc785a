import type { Principal } from './principal';

/** The kinds of caller, each with its own operation limits and request quota. */
export const PRINCIPAL_KINDS = ['account', 'partner', 'admin', 'anonymous'] as const;
export type PrincipalKind = Principal['kind'];

/**
 * What one GraphQL operation may ask for, checked before it runs (src/server/limits/). `cost`
 * is in the units of src/server/limits/operation-cost.ts: a whole homepage with every field is
 * about 1,000–1,500, one title with its artwork about 3.
 */
export interface OperationLimits {
  /** Nesting of selections (`profile { account { profiles { … } } }` is 3 deep). */
  depth: number;
  /** Fields asked for under another name, across the operation. */
  aliases: number;
  /** Top-level fields: each is a separate piece of work (a homepage, a lookup). */
  rootFields: number;
  cost: number;
}

/**
 * Accounts get room for a few full homepages in one operation and deep enough nesting for the
 * README's queries; partners read the catalog (titles and similar titles); admins run imports
 * and explorations from the IDE; anonymous callers (a demo catalog) get the least.
 */
export const DEFAULT_OPERATION_LIMITS: Record<PrincipalKind, OperationLimits> = {
  account: { depth: 10, aliases: 30, rootFields: 10, cost: 5_000 },
  partner: { depth: 8, aliases: 30, rootFields: 10, cost: 3_000 },
  admin: { depth: 12, aliases: 100, rootFields: 20, cost: 20_000 },
  anonymous: { depth: 8, aliases: 10, rootFields: 5, cost: 1_000 },
};

/**
 * Requests per minute per principal (anonymous: per client address). An app shows a homepage,
 * reports impressions and plays, and opens titles: a few requests a minute per household, so an
 * account's quota leaves ample room for a busy household while bounding a scripted one. Partners
 * (a server-side integration) get their own larger quota.
 */
export const DEFAULT_RATE_LIMITS: Record<PrincipalKind, number> = {
  account: 600,
  partner: 3_000,
  admin: 3_000,
  anonymous: 120,
};
