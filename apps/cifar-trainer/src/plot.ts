import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

/** One epoch as the plot and the checkpoint's history keep it. */
export interface EpochPoint {
  epoch: number;
  runningLoss: number;
  meanLoss: number;
  lr: number;
  testAccuracy?: number;
  testLoss?: number;
}

const font = 'DejaVu Sans';

/**
 * The Vega-Lite chart of a run: the mean training loss per epoch (and with --eval the test loss) on the left, the
 * test accuracy on the right when there is one. Exported for the tests, which check what is drawn.
 */
export function plotSpecification(history: readonly EpochPoint[], title: string, subtitle = '') {
  const losses = history.flatMap((point) => [
    { epoch: point.epoch, series: 'train', loss: point.meanLoss },
    ...(point.testLoss === undefined ? [] : [{ epoch: point.epoch, series: 'test', loss: point.testLoss }]),
  ]);
  const accuracies = history.flatMap((point) =>
    point.testAccuracy === undefined ? [] : [{ epoch: point.epoch, accuracy: point.testAccuracy }],
  );
  const epochAxis = { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1, format: 'd' }, title: 'epoch' } as const;
  // Each line is named at its last point rather than in a legend, which Vega places badly beside a second chart.
  const lossChart = {
    title: 'loss',
    width: 360,
    height: 240,
    data: { values: losses },
    encoding: {
      x: epochAxis,
      y: { field: 'loss', type: 'quantitative', title: 'mean cross-entropy', scale: { zero: false } },
      color: {
        field: 'series',
        type: 'nominal',
        legend: null,
        scale: { domain: ['train', 'test'], range: ['#1f77b4', '#ff7f0e'] },
      },
    },
    layer: [
      { mark: { type: 'line', point: true } },
      {
        transform: [{ joinaggregate: [{ op: 'max', field: 'epoch', as: 'last' }] }, { filter: 'datum.epoch === datum.last' }],
        mark: { type: 'text', align: 'left', dx: 8, fontSize: 12 },
        encoding: { text: { field: 'series' } },
      },
    ],
  };
  const accuracyChart = {
    title: 'test accuracy',
    width: 360,
    height: 240,
    data: { values: accuracies },
    mark: { type: 'line', point: { color: '#2ca02c' }, color: '#2ca02c' },
    encoding: {
      x: epochAxis,
      y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle, anchor: 'start', offset: 12 },
    background: 'white',
    padding: 12,
    config: { font },
    hconcat: accuracies.length > 0 ? [lossChart, accuracyChart] : [lossChart],
  };
}

/**
 * Draws the chart with Vega (no canvas: Vega's SVG renderer) and writes it atomically to `path`: SVG as it is, PNG
 * through resvg at twice the size, with DejaVu Sans from the dejavu-fonts-ttf package, so the text looks the same
 * on every machine, fonts installed or not. The libraries load on first use: runs without --plot never pay for them.
 */
export async function writePlot(path: string, history: readonly EpochPoint[], title: string, subtitle = ''): Promise<void> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const { spec } = vegaLite.compile(plotSpecification(history, title, subtitle) as Parameters<typeof vegaLite.compile>[0]);
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  if (extname(path).toLowerCase() === '.svg') return writeFileAtomic(path, new TextEncoder().encode(svg));
  const { Resvg } = await import('@resvg/resvg-js');
  const fontFile = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { fontFiles: [fontFile], loadSystemFonts: false, defaultFontFamily: font },
  })
    .render()
    .asPng();
  await writeFileAtomic(path, new Uint8Array(png.buffer, png.byteOffset, png.byteLength));
}
