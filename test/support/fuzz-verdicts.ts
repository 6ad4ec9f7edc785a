import type { FuzzCase } from './hostile-requests';
import type { RawResponse } from './raw-http';

/**
 * What every answer to a hostile request must be, whatever the request: an answer (not a reset or
 * a hang), a client status (below 500), JSON wherever there is a body (pages for browsers aside),
 * and every error coded with a code of its own: not INTERNAL_SERVER_ERROR, which means the server
 * did not expect what happened. Returns what is wrong with `res`, if anything.
 */
export function problemsOf(req: FuzzCase, res: RawResponse): string[] {
  if (res.failure) return req.mayClose ? [] : [`no answer: ${res.failure}`];
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`HTTP ${res.status}`);
  if (res.body.trim() === '' || req.page) return problems;
  // Express answers OPTIONS on its own routes with the methods allowed, as text: a preflight's answer, not an error.
  if (req.method === 'OPTIONS' && res.status < 300) return problems;
  let body: any;
  try {
    body = JSON.parse(res.body);
  } catch {
    return [...problems, `a body that is not JSON (${String(res.headers['content-type'])})`];
  }
  const errors: unknown = body?.errors;
  if (res.status >= 400 && !(Array.isArray(errors) && errors.length > 0)) problems.push(`HTTP ${res.status} without errors`);
  if (errors === undefined) return problems;
  if (!Array.isArray(errors)) return [...problems, '`errors` is not a list'];
  for (const e of errors) {
    const code = e?.extensions?.code;
    if (typeof code !== 'string') problems.push('an error without a code');
    else if (code === 'INTERNAL_SERVER_ERROR') problems.push(`INTERNAL_SERVER_ERROR (${String(e.message).slice(0, 80)})`);
  }
  return problems;
}

/** The codes of an answer, for the summary: each error's, `data` for a clean GraphQL answer, `-` for no JSON. */
export function codesOf(res: RawResponse): string[] {
  try {
    const body = JSON.parse(res.body);
    if (Array.isArray(body?.errors)) return body.errors.map((e: any) => String(e?.extensions?.code ?? 'none'));
    return [body && typeof body === 'object' && 'data' in body ? 'data' : 'other JSON'];
  } catch {
    return [res.failure ? 'closed' : res.body.trim() === '' ? 'empty' : 'not JSON'];
  }
}

/** Counts by status, code and family, and the requests that broke a rule, for one compact report. */
export class Tally {
  readonly statuses = new Map<string, number>();
  readonly codes = new Map<string, number>();
  readonly families = new Map<string, Map<string, number>>();
  /** Broken rules by family and problem, each with how often and the first request that broke it. */
  readonly violations = new Map<string, { count: number; example: string }>();
  requests = 0;
  /** Requests that got no answer where the protocol does not allow that (a reset, a hang). */
  crashes = 0;
  probes = 0;

  record(req: FuzzCase, res: RawResponse, index: number): void {
    this.requests++;
    if (res.failure && !req.mayClose) this.crashes++;
    const status = res.failure ? 'closed' : String(res.status);
    bump(this.statuses, status);
    for (const code of new Set(codesOf(res))) bump(this.codes, code);
    const family = this.families.get(req.family) ?? new Map<string, number>();
    this.families.set(req.family, family);
    bump(family, 'n');
    bump(family, status);
    for (const problem of problemsOf(req, res)) {
      const key = `${req.family}: ${problem}`;
      const seen = this.violations.get(key) ?? {
        count: 0,
        example: `#${index} ${describe(req)}\n    → ${status} ${res.body.slice(0, 300)}`,
      };
      this.violations.set(key, { ...seen, count: seen.count + 1 });
    }
  }

  /** One line per kind of violation with its first example; empty when every answer kept the rules. */
  violationReport(): string[] {
    return [...this.violations].map(([key, v]) => `${key} (×${v.count}), first: ${v.example}`);
  }

  summary(seed: number): string {
    const list = (m: Map<string, number>) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
    const fivexx = [...this.statuses].filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0);
    const closed = this.statuses.get('closed') ?? 0;
    const rows = [...this.families].sort((a, b) => b[1].get('n')! - a[1].get('n')!);
    const table = rows.map(
      ([name, m]) => `  ${name.padEnd(15)} ${String(m.get('n')).padStart(5)}  ${list(new Map([...m].filter(([k]) => k !== 'n')))}`,
    );
    return [
      `fuzz (seed ${seed}): ${this.requests} requests, ${this.crashes} crashes, ${fivexx} 5xx, ${[...this.violations.values()].reduce((n, v) => n + v.count, 0)} answers breaking a rule; ` +
        `${closed} closed without an answer (${closed - this.crashes} allowed: CONNECT); ${this.probes} homepage probes answered in full`,
      `statuses: ${list(this.statuses)}`,
      `codes (requests carrying each): ${list(this.codes)}`,
      '  family          requests  statuses',
      ...table,
    ].join('\n');
  }
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

/** A request in a line: enough to replay it by hand. */
export function describe(req: FuzzCase): string {
  if (req.raw) return `raw ${JSON.stringify(req.raw.toString('latin1').slice(0, 200))}`;
  const headers = req.headers.map(([k, v]) => `${k}: ${v.length > 40 ? `${v.slice(0, 40)}…(${v.length})` : v}`).join(' | ');
  const body =
    req.body === undefined
      ? ''
      : ` body ${JSON.stringify(req.body.toString().slice(0, 300))}${req.body.length > 300 ? `…(${req.body.length})` : ''}`;
  return `${req.method} ${req.path.slice(0, 200)}${req.tightQuota ? ' (tight quotas)' : ''} [${headers}]${body}`;
}
