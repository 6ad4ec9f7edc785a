import type { WorldSize } from '../domain/dataset';

export interface WorldSpec {
  titles: number;
  accounts: number;
  days: number;
}

/** Profiles average about 2.5 per account, so `small` has about 300 and `default` about 7,500. */
export const WORLD_SPECS: Record<WorldSize, WorldSpec> = {
  small: { titles: 500, accounts: 120, days: 60 },
  default: { titles: 5000, accounts: 3000, days: 60 },
  large: { titles: 20000, accounts: 12000, days: 60 },
};

/** The world's history ends here unless told otherwise, so a seed alone fixes every timestamp. */
export const DEFAULT_WORLD_END = Date.UTC(2026, 10, 1);
