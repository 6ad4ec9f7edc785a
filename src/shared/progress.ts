import cliProgress from 'cli-progress';

/**
 * One progress bar per stage on stderr, so stdout stays clean for JSON output.
 * On a non-TTY (CI logs) cli-progress prints nothing by default, so we fall back to
 * a line every few percent.
 */
export function stageProgress(): { update(stage: string, done: number, total: number): void; stop(): void } {
  const tty = Boolean(process.stderr.isTTY);
  const bars = new cliProgress.MultiBar(
    { stream: process.stderr, format: ' {stage} [{bar}] {value}/{total} {percentage}% eta {eta}s', hideCursor: tty, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  const live = new Map<string, cliProgress.SingleBar>();
  const lastPercent = new Map<string, number>();
  return {
    update(stage, done, total) {
      if (!tty) {
        const pct = Math.floor((100 * done) / Math.max(1, total));
        if (pct >= (lastPercent.get(stage) ?? -10) + 10 || done === total) {
          lastPercent.set(stage, pct);
          process.stderr.write(`${stage}: ${done}/${total} (${pct}%)\n`);
        }
        return;
      }
      let bar = live.get(stage);
      if (!bar) live.set(stage, (bar = bars.create(total, 0, { stage: stage.padEnd(12) })));
      bar.setTotal(total);
      bar.update(done, { stage: stage.padEnd(12) });
    },
    stop() {
      bars.stop();
    },
  };
}
