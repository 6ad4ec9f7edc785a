import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeCharts } from './charts';
import { dailyTable, summaryTable, type SimulationSummary } from './summary';

/** What a run wrote, for the terminal. */
export interface WrittenOutput {
  dir: string;
  files: string[];
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * A run's output in `dir`: summary.json (per group and day), summary.txt (the tables: per group, and per group and day), the charts
 * as SVG, the experiments' reports as the platform computed them (reports.json), and index.html,
 * one page that shows the table, the charts and the parameters of the run.
 */
export async function writeOutput(
  dir: string,
  summary: SimulationSummary,
  run: { parameters: Record<string, unknown>; reports: Record<string, unknown> },
): Promise<WrittenOutput> {
  await fs.mkdir(dir, { recursive: true });
  const table = summaryTable(summary);
  const charts = await writeCharts(dir, summary);
  await fs.writeFile(path.join(dir, 'summary.json'), `${JSON.stringify({ parameters: run.parameters, ...summary }, null, 2)}\n`);
  await fs.writeFile(path.join(dir, 'summary.txt'), `${table}\n\nPer day\n\n${dailyTable(summary)}\n`);
  await fs.writeFile(path.join(dir, 'reports.json'), `${JSON.stringify(run.reports, null, 2)}\n`);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Simulation report</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem}pre{background:#f6f6f6;padding:1rem;overflow-x:auto}img{display:block;margin:1rem 0;max-width:100%}</style></head>
<body><h1>Simulation report</h1>
<p>${escape(
    Object.entries(run.parameters)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join(' · '),
  )}</p>
<h2>Per variant</h2><pre>${escape(table)}</pre>
${charts.map((file) => `<img src="${file}" alt="${escape(file)}">`).join('\n')}
<p>Data: <a href="summary.json">summary.json</a> (per variant and day) · <a href="reports.json">reports.json</a> (the experiments' results as the API computed them) · <a href="summary.txt">summary.txt</a></p>
</body></html>
`;
  await fs.writeFile(path.join(dir, 'index.html'), html);
  return { dir, files: ['index.html', 'summary.json', 'summary.txt', 'reports.json', ...charts] };
}
