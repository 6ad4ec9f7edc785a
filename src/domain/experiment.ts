/**
 * A controlled experiment as the API stores it (issue 16; docs/EXPERIMENTS.md will describe how to
 * run one). Assignment needs nothing per unit: a unit's variant follows from hashing the
 * experiment's salt with the unit's id (src/experiments/assignment.ts).
 */
export interface Experiment {
  id: string;
  /**
   * What is randomised. `account` (the default) keeps a household on one variant, so profiles
   * sharing a screen and the account's history are not split across variants (their behaviour is
   * not independent); `profile` gives more units when the lever acts on one profile's page alone.
   */
  unit: 'account' | 'profile';
  /** Seed of the hash; the id unless set, so a restarted experiment can draw new units with a new salt. */
  salt: string;
  /** The first variant is the control; weights are shares of the experiment's traffic and sum to 1. */
  variants: { name: string; weight: number }[];
  /**
   * The layer (namespace) and the slice of it the experiment occupies, [start, end) within [0, 1):
   * experiments on one lever share a layer and never overlap in it; experiments on different
   * levers use different layers, so a unit may be in one of each. `end - start` is the traffic share.
   */
  layer: { name: string; start: number; end: number };
}
