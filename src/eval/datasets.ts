import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Account, ImpressionEvent, PlaybackEvent, Profile, Title } from '../domain/types';
import type { WorldSize } from '../domain/dataset';
import { projectRoot } from '../shared/paths';
import { readMovieLens } from '../import/movielens';
import { datasetExists, readDataset } from '../../graph/dataset-files';
import { readWorldTruth } from '../world/files';
import { generateWorld, observable } from '../world/generate';
import type { WorldTruth } from '../world/truth';
import type { TitleFeedback } from '../domain/title-feedback';

export const EVAL_DATASETS = ['world', 'movielens'] as const;
export type EvalDatasetName = (typeof EVAL_DATASETS)[number];

/** What evaluation needs of a dataset: the catalog, the viewers and every interaction. */
export interface EvalDataset {
  name: EvalDatasetName;
  description: string;
  titles: Title[];
  accounts: Account[];
  profiles: Profile[];
  events: PlaybackEvent[];
  /** Logged impressions (the world's); none for MovieLens, whose ranker learns from sampled negatives. */
  impressions: ImpressionEvent[];
  /** The viewers' thumbs (the world's); none for MovieLens. */
  feedback: TitleFeedback[];
  /** The world's hidden tastes, for protocols that need a viewer's answers (onboarding); never shown to a recommender. */
  truth?: WorldTruth;
}

/** The data asked for is not there or not readable as asked: the CLI prints the message alone, no stack. */
export class EvalDataError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EvalDataError';
  }
}

/** Where `--dataset movielens` looks without `--path`: a copy a user may keep beside the project, never downloaded. */
export function defaultMovieLensPath(): string {
  return path.join(projectRoot(), '..', 'shared', 'data', 'movielens-small');
}

export interface EvalDatasetOptions {
  dataset: EvalDatasetName;
  /** A world folder (from `npm run world`) or a MovieLens folder; defaults: generate / ../shared/data/movielens-small. */
  path?: string;
  size: WorldSize;
  seed: number;
}

export async function loadEvalDataset(
  o: EvalDatasetOptions,
  onProgress?: (stage: string, done: number, total: number) => void,
): Promise<EvalDataset> {
  if (o.dataset === 'movielens') {
    const dir = o.path ?? defaultMovieLensPath();
    if (!o.path && !existsSync(dir))
      throw new EvalDataError(
        `no --path given and the default MovieLens folder ${dir} does not exist. Download ml-latest-small ` +
          '(ratings.csv + movies.csv) or ml-100k (u.data + u.item) from grouplens.org and pass its folder with ' +
          '--path DIR, or evaluate a generated world with --dataset world.',
      );
    const { data, layout } = await readMovieLens(dir).catch((err: Error) => {
      throw new EvalDataError(err.message, { cause: err });
    });
    // The importer derives tags and "added" dates from the whole file, held-out ratings included;
    // evaluation keeps only what was known up front: tags are dropped, and a title counts as
    // added at the start of its release year.
    const titles = data.titles.map((t) => ({ ...t, tags: [], addedAt: Date.UTC(t.releaseYear, 0, 1) }));
    return { name: 'movielens', description: `MovieLens (${layout}) from ${dir}`, ...pick({ ...data, titles }) };
  }
  if (o.path) {
    if (!(await datasetExists(o.path)))
      throw new EvalDataError(`${o.path} holds no world (write one with \`npm run world -- --out ${o.path}\`)`);
    // A world folder written without its truth file is still evaluated; onboarding genres then come from training history.
    const truth = await readWorldTruth(o.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    return { name: 'world', description: `world from ${o.path}`, ...pick(await readDataset(o.path)), truth };
  }
  const world = generateWorld(o.size, o.seed, onProgress);
  return { name: 'world', description: `generated world, size ${o.size}, seed ${o.seed}`, ...pick(observable(world)), truth: world.truth };
}

function pick(d: {
  titles: Title[];
  accounts: Account[];
  profiles: Profile[];
  playbacks: PlaybackEvent[];
  impressions: ImpressionEvent[];
  feedback?: TitleFeedback[];
}) {
  return {
    titles: d.titles,
    accounts: d.accounts,
    profiles: d.profiles,
    events: d.playbacks,
    impressions: d.impressions,
    feedback: d.feedback ?? [],
  };
}
