import { TensorBoardError } from '../errors.js';

/**
 * How addHistogram buckets values, as torch's `bins` argument: 'tensorflow' (torch's default: TensorFlow's
 * exponential edges ±1e-12·1.1^k up to 1e20, and 0), a number of equal-width bins spanning the values (numpy's
 * `bins=n`), or explicit, non-decreasing bin edges (numpy's `bins=[…]`). numpy's named estimators ('auto', 'fd', …)
 * are not offered.
 */
export type HistogramBins = 'tensorflow' | number | readonly number[];

/** A HistogramProto: summary statistics, then each bucket's right edge and its count. */
export interface Histogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: number[];
  bucket: number[];
}

let tensorflowEdges: Float64Array | undefined;

/** torch's SummaryWriter.default_bins: 1549 edges, from -1e20 to 1e20, dense near 0 (the same float64 arithmetic). */
export function defaultHistogramBins(): Float64Array {
  if (!tensorflowEdges) {
    const positive: number[] = [];
    for (let edge = 1e-12; edge < 1e20; edge *= 1.1) positive.push(edge);
    tensorflowEdges = Float64Array.from([...positive.map((edge) => -edge).reverse(), 0, ...positive]);
  }
  return tensorflowEdges;
}

/**
 * torch's make_histogram (summary.py) on float64 values: numpy.histogram's counts (bins closed on the left, the last
 * one on both sides; values outside the edges, and NaN, are not counted), trimmed to the buckets that hold values plus
 * one empty bucket to their left, since TensorBoard keeps only each bucket's right edge. min, max, num, sum and
 * sum_squares cover every value. Sums run left to right, where numpy sums pairwise and uses BLAS for the squares: the
 * last bits of `sum` and `sumSquares` may differ from torch's.
 */
export function makeHistogram(values: ArrayLike<number>, bins: HistogramBins): Histogram {
  if (values.length === 0) throw new TensorBoardError('addHistogram: The input has no element.');
  const edges = binEdges(values, bins);
  const counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges[edges.length - 1]!;
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (!(value >= edges[0]! && value <= last)) continue;
    counts[value === last ? counts.length - 1 : rightmostEdgeAtOrBelow(edges, value)]! += 1;
  }

  // The support of the histogram, as torch finds it (searchsorted on the running count of non-empty buckets).
  let nonEmpty = 0;
  const cumulative = counts.map((count) => (nonEmpty += count > 0 ? 1 : 0));
  const start = cumulative.filter((running) => running <= 0).length;
  const end = cumulative.filter((running) => running <= nonEmpty - 1).length + 1;
  const keptCounts = start > 0 ? counts.slice(start - 1, end) : [0, ...counts.slice(0, end)];
  const keptLimits = Array.from(edges.slice(start, end + 1));
  if (keptCounts.length === 0 || keptLimits.length === 0) {
    throw new TensorBoardError('addHistogram: The histogram is empty, please file a bug report.');
  }

  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let sumSquares = 0;
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    // numpy's min and max are NaN as soon as one value is.
    min = Number.isNaN(value) || value < min ? value : min;
    max = Number.isNaN(value) || value > max ? value : max;
    sum += value;
    sumSquares += value * value;
  }
  return { min, max, num: values.length, sum, sumSquares, bucketLimit: keptLimits, bucket: keptCounts };
}

function binEdges(values: ArrayLike<number>, bins: HistogramBins): Float64Array {
  if (bins === 'tensorflow') return defaultHistogramBins();
  if (typeof bins === 'number') return equalWidthEdges(values, bins);
  if (bins.length < 2) throw new TensorBoardError(`addHistogram: bins needs at least 2 edges, got ${bins.length}`);
  for (let index = 1; index < bins.length; index++) {
    if (!(bins[index - 1]! <= bins[index]!)) {
      throw new TensorBoardError('addHistogram: `bins` must increase monotonically, when an array');
    }
  }
  return Float64Array.from(bins);
}

/** numpy's edges for `bins=n`: linspace(min, max, n + 1), widened by 0.5 each way when all values are equal. */
function equalWidthEdges(values: ArrayLike<number>, count: number): Float64Array {
  if (!Number.isInteger(count) || count < 1) {
    throw new TensorBoardError(`addHistogram: \`bins\` must be positive, when an integer (got ${count})`);
  }
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (Number.isNaN(value)) first = last = Number.NaN;
    else if (!Number.isNaN(first)) [first, last] = [Math.min(first, value), Math.max(last, value)];
  }
  if (!Number.isFinite(first) || !Number.isFinite(last)) {
    throw new TensorBoardError(`addHistogram: autodetected range of [${first}, ${last}] is not finite`);
  }
  if (first === last) [first, last] = [first - 0.5, last + 0.5];
  // numpy.linspace: index · step + start, and the last edge set to stop exactly.
  const step = (last - first) / count;
  const edges = new Float64Array(count + 1);
  for (let index = 0; index < count; index++) edges[index] = index * step + first;
  edges[count] = last;
  return edges;
}

/** The index of the last edge at or below `value` (edges sorted; value within [edges[0], last edge)). */
function rightmostEdgeAtOrBelow(edges: Float64Array, value: number): number {
  let low = 0;
  let high = edges.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if (edges[middle]! <= value) low = middle;
    else high = middle;
  }
  return low;
}
