import type { Store } from '../../../graph/store';
import { ConflictError, NotFoundError } from '../../../src/domain/errors';
import type { Promotion } from '../../../src/domain/promotion';
import { FIXTURE_START } from '../../support/fixture-data';
import { DAY_MS } from '../../../src/shared/time';

const promotion = (id: string, extra: Partial<Promotion> = {}): Promotion => ({
  id,
  label: 'New season',
  titleIds: ['t3', 't1'],
  from: FIXTURE_START,
  until: FIXTURE_START + 10 * DAY_MS,
  rows: ['TOP_PICKS', 'TRENDING'],
  position: 2,
  maxShare: 0.25,
  createdAt: FIXTURE_START - DAY_MS,
  ...extra,
});

/** Promotions, part of the store contract: created once per id, ended early, listed oldest first, across a restart. */
export function definePromotionCases(store: () => Store, reopen: () => Promise<Store>): void {
  it('creates promotions once per id, ends them early, and lists them oldest first across a restart', async () => {
    const regional = promotion('launch-kr', { countries: ['KR'], createdAt: FIXTURE_START - 2 * DAY_MS });
    await store().createPromotion(promotion('launch'));
    await store().createPromotion(regional);
    await expect(store().createPromotion(promotion('launch', { label: 'Other' }))).rejects.toBeInstanceOf(ConflictError);
    expect(await store().endPromotion('launch', FIXTURE_START + DAY_MS)).toEqual(promotion('launch', { until: FIXTURE_START + DAY_MS }));
    // Ending after its end leaves it as it was.
    expect(await store().endPromotion('launch', FIXTURE_START + 20 * DAY_MS)).toEqual(
      promotion('launch', { until: FIXTURE_START + DAY_MS }),
    );
    await expect(store().endPromotion('nope', FIXTURE_START)).rejects.toBeInstanceOf(NotFoundError);
    for (const restart of [false, true]) {
      const s = restart ? await reopen() : store();
      expect(await s.listPromotions()).toEqual([regional, promotion('launch', { until: FIXTURE_START + DAY_MS })]);
    }
  });
}
