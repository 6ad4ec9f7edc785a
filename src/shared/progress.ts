import cliProgress from 'cli-progress';

/** `done` of `total` units of the named stage. */
export type ProgressUpdate = (stage: string, done: number, total: number) => void;

export interface StageProgress {
  /** Reports a stage's progress; a stage ends when it reaches its total or another stage reports. */
  update: ProgressUpdate;
  /** Ends the current stage where it stands (after a failure it is not "done"). */
  stop(): void;
}

interface Stage {
  name: string;
  started: number;
  done: number;
  total: number;
}

/** How a stage is drawn: a bar on a terminal, plain lines elsewhere. */
interface View {
  progress(s: Stage): void;
  end(s: Stage, complete: boolean): void;
}

/**
 * Progress of stages that run one after another, on stderr so stdout stays clean for JSON
 * output. On a terminal each stage gets a bar (cli-progress) that stays on screen with its
 * duration when the stage ends; in a log (not a TTY) each stage writes a line at every tenth
 * (at most one a second) and one when it is done. A stage that ends early (the ranker's early
 * stopping) counts as done when the next one starts.
 */
export function stageProgress(stream: NodeJS.WriteStream = process.stderr, clock: () => number = () => performance.now()): StageProgress {
  const view = stream.isTTY ? barView(stream, clock) : lineView(stream, clock);
  let current: Stage | undefined;
  let ended: string | undefined;
  // A stage reports after its first unit of work; what came before it since the last stage (its set-up) is its time too.
  let since = clock();
  const end = (complete: boolean) => {
    if (!current) return;
    view.end(current, complete);
    ended = current.name;
    current = undefined;
    since = clock();
  };
  return {
    update(name, done, total) {
      if (current?.name !== name) {
        // A finished stage reporting its end again is not a new stage.
        if (name === ended && done >= total) return;
        end(true);
        current = { name, started: since, done: 0, total };
      }
      current.done = Math.min(done, total);
      current.total = total;
      if (done >= total) end(true);
      else view.progress(current);
    },
    stop() {
      end(false);
    },
  };
}

function barView(stream: NodeJS.WriteStream, clock: () => number): View {
  const seconds = elapsed(clock);
  let bar: cliProgress.SingleBar | undefined;
  const draw = (s: Stage, status: string) => {
    if (!bar) {
      // Not hiding the cursor: a Ctrl-C during a bar would leave the terminal without one.
      bar = new cliProgress.SingleBar(
        { stream, format: ' [{bar}] {percentage}% {stage} · {status}', barsize: 24, hideCursor: false, fps: 5 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(s.total, s.done, { stage: s.name, status });
    }
    bar.setTotal(s.total);
    bar.update(s.done, { status });
  };
  return {
    progress(s) {
      const took = seconds(s);
      const left = s.done > 0 ? `, about ${duration((took * (s.total - s.done)) / s.done)} left` : '';
      draw(s, `${duration(took)}${left}`);
    },
    end(s, complete) {
      draw({ ...s, done: complete ? s.total : s.done }, complete ? `done in ${duration(seconds(s))}` : 'stopped');
      bar!.stop();
      bar = undefined;
    },
  };
}

/** In a log, a stage's lines are at least this far apart: a stage of a second or two writes only its end. */
const LINE_GAP_SECONDS = 1;

function lineView(stream: NodeJS.WriteStream, clock: () => number): View {
  const seconds = elapsed(clock);
  let tenths = 0;
  let lastLine = 0;
  return {
    progress(s) {
      const reached = Math.floor((10 * s.done) / s.total);
      // A total can grow (the store loads in steps): count tenths again from there.
      if (reached < tenths) tenths = reached;
      const now = seconds(s);
      if (reached === tenths || now - lastLine < LINE_GAP_SECONDS) return;
      tenths = reached;
      lastLine = now;
      stream.write(`${s.name}: ${reached * 10}% (${count(s.done)} of ${count(s.total)}), ${duration(now)}\n`);
    },
    end(s, complete) {
      tenths = 0;
      lastLine = 0;
      if (complete) stream.write(`${s.name}: done in ${duration(seconds(s))}\n`);
    },
  };
}

/** Seconds since a stage started. */
function elapsed(clock: () => number): (s: Stage) => number {
  return (s) => (clock() - s.started) / 1000;
}

function duration(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
