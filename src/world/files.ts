import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeDataset } from '../../graph/dataset-files';
import type { Dataset } from '../domain/dataset';
import { observable, type World } from './generate';
import type { WorldTruth } from './truth';

/** The hidden truth's file inside a dataset folder: only evaluation and the simulator open it. */
const TRUTH_FILE = 'truth.json';

/** Writes a dataset folder with the truth of the world (or import) that produced it, when there is one, beside the data. */
export async function writeWithTruth(dir: string, data: Dataset, truth?: WorldTruth): Promise<void> {
  await writeDataset(dir, data, { jsonFiles: truth ? { [TRUTH_FILE]: truth } : {} });
}

export async function writeWorld(dir: string, world: World): Promise<void> {
  await writeWithTruth(dir, observable(world), world.truth);
}

/** The hidden tastes and title quality: for evaluation and the user simulator only. */
export async function readWorldTruth(dir: string): Promise<WorldTruth> {
  return JSON.parse(await fs.readFile(path.join(dir, TRUTH_FILE), 'utf8')) as WorldTruth;
}
