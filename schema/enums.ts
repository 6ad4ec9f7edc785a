import { registerEnumType } from 'type-graphql';
import { ARTWORK_THEMES, DEVICES, MATURITY_TIERS, TITLE_KINDS } from '../src/domain/types';
import { CANDIDATE_SOURCES } from '../src/pipeline/candidates';
import { ROW_KINDS } from '../src/pipeline/rows';

/** GraphQL enums are built from the domain's constant lists, so the two cannot drift apart. */
export const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const Device = asEnum(DEVICES);
export const TitleKind = asEnum(TITLE_KINDS);
export const ArtworkTheme = asEnum(ARTWORK_THEMES);
export const MaturityTier = asEnum(MATURITY_TIERS);
export const RowKind = asEnum(ROW_KINDS);
export const CandidateSource = asEnum(CANDIDATE_SOURCES);

registerEnumType(Device, { name: 'Device', description: 'The kind of screen the viewer is using.' });
registerEnumType(TitleKind, { name: 'TitleKind', description: 'Whether a title is a film or a series.' });
registerEnumType(ArtworkTheme, {
  name: 'ArtworkTheme',
  description: 'What an artwork variant emphasises (action shot, romance, ensemble cast, …).',
});
registerEnumType(MaturityTier, {
  name: 'MaturityTier',
  description:
    'Maturity tiers, lowest first: LITTLE_KIDS (TV-Y, TV-G, G), OLDER_KIDS (TV-Y7, TV-PG, PG), TEENS (PG-13, TV-14), ADULTS (R, TV-MA, NC-17).',
});
registerEnumType(RowKind, { name: 'RowKind', description: 'What a homepage row is built from.' });
registerEnumType(CandidateSource, { name: 'CandidateSource', description: 'The retrieval source that proposed a title for this page.' });
