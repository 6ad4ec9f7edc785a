import { textTable } from '../src/shared/text-table';

/** Benchmarks print one JSON line (for machines) and a table (for people). */
export interface Measurement {
  name: string;
  unit: string;
  value?: number;
  p50?: number;
  p90?: number;
  p99?: number;
  /** The 99.9th percentile. */
  p999?: number;
  mean?: number;
}

export function percentiles(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

const fmt = (x: number | undefined) => (x === undefined ? '' : x >= 100 ? x.toFixed(0) : x.toFixed(3));

export function printReport(bench: string, params: Record<string, unknown>, rows: Measurement[]): void {
  process.stdout.write(`${JSON.stringify({ bench, params, results: rows })}\n`);
  // The p90 and p99.9 columns only where some measurement has them (the open-loop latencies).
  const tails = rows.some((r) => r.p90 !== undefined || r.p999 !== undefined);
  const table = rows.map((r) => [
    r.name,
    r.unit,
    fmt(r.value),
    fmt(r.p50),
    ...(tails ? [fmt(r.p90)] : []),
    fmt(r.p99),
    ...(tails ? [fmt(r.p999)] : []),
    fmt(r.mean),
  ]);
  const header = ['measurement', 'unit', 'value', 'p50', ...(tails ? ['p90'] : []), 'p99', ...(tails ? ['p99.9'] : []), 'mean'];
  process.stdout.write(`\n${textTable(header, table)}\n`);
}
