import { promises as fs } from 'node:fs';

/** Linux's clock ticks per second for /proc times (USER_HZ): 100 on every mainstream build. */
const TICKS_PER_SECOND = 100;

/** Fields of /proc/<pid>/stat after the command (which may hold spaces), 0-based from the state. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** `pid` and every process below it (a cluster's primary and its workers). */
async function tree(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    const ppid = Number(statFields(stat)[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const all: number[] = [];
  const visit = (p: number) => {
    all.push(p);
    for (const child of parents.get(p) ?? []) visit(child);
  };
  visit(pid);
  return all;
}

/**
 * CPU seconds (user + system) used so far by `pid` and its descendants, from /proc (Linux only;
 * elsewhere undefined). Two readings around a run give what the run cost each process group.
 */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  if (process.platform !== 'linux') return undefined;
  let ticks = 0;
  for (const p of await tree(pid)) {
    const stat = await fs.readFile(`/proc/${p}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    const f = statFields(stat);
    // utime and stime: fields 14 and 15 of stat, 11 and 12 after the state.
    ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / TICKS_PER_SECOND;
}

/** Resident memory (bytes) of `pid` and its descendants now, from /proc (Linux only; elsewhere undefined). */
export async function residentBytes(pid: number): Promise<number | undefined> {
  if (process.platform !== 'linux') return undefined;
  let kb = 0;
  for (const p of await tree(pid)) {
    const status = await fs.readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
    kb += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  }
  return kb * 1024;
}
