import { stageProgress } from '../../src/shared/progress';

/** A log (not a TTY) that keeps what is written, and a clock the test moves. */
function log() {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(...s.trimEnd().split('\n')) } as unknown as NodeJS.WriteStream;
  const time = { ms: 0 };
  return { lines, time, progress: stageProgress(stream, () => time.ms) };
}

describe('stage progress in a log', () => {
  it('writes a line at each tenth, at most one a second, and one when the stage is done', () => {
    const { lines, time, progress } = log();
    for (let done = 1; done <= 100; done++) {
      time.ms += 250;
      progress.update('Generating the world', done, 100);
    }
    expect(lines[0]).toBe('Generating the world: 10% (10 of 100), 2.5 s');
    expect(lines).toHaveLength(10);
    expect(lines.at(-1)).toBe('Generating the world: done in 25.0 s');
  });

  it('writes only the end of a short stage, timed from the end of the one before it', () => {
    const { lines, time, progress } = log();
    progress.update('Reading the store', 0, 1);
    time.ms += 200;
    progress.update('Reading the store', 1, 1);
    time.ms += 300;
    for (let done = 1; done <= 12; done++) progress.update('Training ALS', done, 12);
    expect(lines).toEqual(['Reading the store: done in 0.2 s', 'Training ALS: done in 0.3 s']);
  });

  it('ends a stage that stopped early when the next one starts, and leaves a failed one unfinished', () => {
    const { lines, time, progress } = log();
    time.ms += 90_000;
    progress.update('Training the ranker', 15, 30);
    progress.update('Building the HNSW index', 10, 5000);
    progress.stop();
    expect(lines).toEqual(['Training the ranker: 50% (15 of 30), 1 min 30 s', 'Training the ranker: done in 1 min 30 s']);
  });

  it('counts a total that grows, as the store loads in steps', () => {
    const { lines, time, progress } = log();
    time.ms += 2000;
    progress.update('Loading the store', 1, 2);
    time.ms += 2000;
    progress.update('Loading the store', 1, 1);
    expect(lines).toEqual(['Loading the store: 50% (1 of 2), 2.0 s', 'Loading the store: done in 4.0 s']);
  });
});
