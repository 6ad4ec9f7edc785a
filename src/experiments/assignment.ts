import { GrowthBookClient } from '@growthbook/growthbook';
import type { Experiment } from '../domain/experiment';

/**
 * GrowthBook's published bucketing, used without its feature service: the v2 hash (FNV-1a 32 of
 * salt and unit id, hashed again, to 1/10,000) picks the variant by the weights, and the layer is
 * a GrowthBook namespace (a v1 hash of `__<layer>` and the unit id) of which each experiment
 * owns a slice. So the same unit gets the same variant on every replica and after every restart,
 * with nothing stored per unit, and experiments in one layer exclude each other.
 */
const growthbook = new GrowthBookClient({});

/** Who a page is built for, as far as assignment cares. */
export interface AssignmentUnit {
  accountId: string;
  profileId: string;
}

/** The unit's variant of the experiment, or null when the unit is not in it (outside its slice of the layer). */
export function assignVariant(
  experiment: Pick<Experiment, 'id' | 'salt' | 'unit' | 'lever' | 'variants' | 'layer'>,
  unit: AssignmentUnit,
): string | null {
  const id = experiment.unit === 'ACCOUNT' ? unit.accountId : unit.profileId;
  const result = growthbook.runInlineExperiment(
    {
      key: experiment.id,
      seed: experiment.salt,
      hashVersion: 2,
      hashAttribute: 'id',
      variations: experiment.variants.map((v) => v.name) as [string, string, ...string[]],
      weights: experiment.variants.map((v) => v.weight),
      coverage: 1,
      namespace: [experiment.lever, experiment.layer.start, experiment.layer.end],
    },
    { attributes: { id } },
  );
  return result.inExperiment ? result.value : null;
}
