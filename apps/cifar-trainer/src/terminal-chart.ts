import { plot } from 'asciichart';

/**
 * The loss of every step of the run as a compact terminal chart (asciichart): at most `width` columns, each the mean
 * of an equal share of the steps, so the trend shows through batch-to-batch noise. Empty for fewer than 2 steps.
 */
export function lossChart(losses: readonly number[], width = 60, height = 8): string[] {
  if (losses.length < 2) return [];
  const columns = Math.min(width, losses.length);
  const means = Array.from({ length: columns }, (_, column) => {
    const from = Math.floor((column * losses.length) / columns);
    const to = Math.floor(((column + 1) * losses.length) / columns);
    let sum = 0;
    for (let index = from; index < to; index++) sum += losses[index]!;
    return sum / (to - from);
  });
  const perColumn = losses.length / columns;
  const title =
    perColumn === 1
      ? `loss of each of the ${losses.length} steps`
      : `loss over ${losses.length} steps, each column the mean of ${Number.isInteger(perColumn) ? perColumn : `about ${Math.round(perColumn)}`}`;
  const chart = plot(means, { height, format: (value: number) => value.toFixed(4).padStart(9) });
  return [title, ...chart.split('\n')];
}
