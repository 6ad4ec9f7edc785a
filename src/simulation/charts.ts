import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { SimulationSummary } from './summary';

type Spec = vegaLite.TopLevelSpec;

/** A Vega-Lite spec rendered headless to SVG (no canvas needed). */
async function svg(spec: Spec): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

const WIDTH = 560;
const HEIGHT = 260;

/** Daily watch minutes per unit for each group, with the 95% interval over units as a band. */
function watchMinutesSpec(s: SimulationSummary): Spec {
  const values = s.groups.flatMap((g) =>
    g.days.map((d) => ({
      group: g.group,
      day: d.day + 1,
      minutes: d.watchMinutesPerUnit,
      low: d.watchMinutesInterval[0],
      high: d.watchMinutesInterval[1],
    })),
  );
  const x = { field: 'day', type: 'quantitative' as const, title: 'simulated day', axis: { tickMinStep: 1 } };
  const color = { field: 'group', type: 'nominal' as const, title: 'variant' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Watch minutes per unit per day (95% interval over units)',
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    layer: [
      {
        mark: { type: 'area', opacity: 0.2 },
        encoding: { x, y: { field: 'low', type: 'quantitative', title: 'minutes' }, y2: { field: 'high' }, color },
      },
      { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'minutes', type: 'quantitative' }, color } },
    ],
  };
}

/** Catalog coverage and the Gini coefficient of exposure per day and group. */
function coverageSpec(s: SimulationSummary): Spec {
  const values = s.groups.flatMap((g) =>
    g.days.flatMap((d) => [
      { group: g.group, day: d.day + 1, measure: 'coverage (share of catalog shown)', value: d.coverage },
      { group: g.group, day: d.day + 1, measure: 'Gini of exposure', value: d.gini },
    ]),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Catalog coverage and concentration of exposure over days',
    data: { values },
    facet: { column: { field: 'measure', type: 'nominal', title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: WIDTH / 2,
      height: HEIGHT,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'day', type: 'quantitative', title: 'simulated day', axis: { tickMinStep: 1 } },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'group', type: 'nominal', title: 'variant' },
      },
    },
  };
}

/** Plays per impression by row position. */
function takeRateSpec(s: SimulationSummary): Spec {
  const values = s.groups.flatMap((g) => g.takeRateByRow.map((rate, row) => ({ group: g.group, row: row + 1, rate })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Take rate (plays per impression) by row position',
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'row', type: 'ordinal', title: 'row (1 = top)' },
      xOffset: { field: 'group' },
      y: { field: 'rate', type: 'quantitative', title: 'plays per impression' },
      color: { field: 'group', type: 'nominal', title: 'variant' },
    },
  };
}

export const CHARTS = [
  { file: 'watch-minutes.svg', spec: watchMinutesSpec },
  { file: 'coverage-gini.svg', spec: coverageSpec },
  { file: 'take-rate-by-row.svg', spec: takeRateSpec },
] as const;

/** Writes the charts as SVG files into `dir`; returns their file names. */
export async function writeCharts(dir: string, s: SimulationSummary): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true });
  for (const chart of CHARTS) await fs.writeFile(path.join(dir, chart.file), await svg(chart.spec(s)));
  return CHARTS.map((c) => c.file);
}
