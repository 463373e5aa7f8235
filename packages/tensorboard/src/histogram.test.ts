import { readFileSync } from 'node:fs';
import { registerCpuBackend } from '@lantern/backend-cpu';
import { tensor } from '@lantern/tensor';
import { describe, expect, it } from 'vitest';
import { TensorBoardError } from './errors.js';
import { defaultHistogramBins, type HistogramBins, makeHistogram } from './summary/histogram.js';

await registerCpuBackend();

// src/__fixtures__/histograms.json: torch.utils.tensorboard.summary.histogram (torch 1.13) on eight value sets with
// four bin settings each (scripts/generate_fixtures.py).
const fixture = JSON.parse(readFileSync(new URL('./__fixtures__/histograms.json', import.meta.url), 'utf8')) as {
  default_bins_count: number;
  default_bins_sample: number[];
  value_sets: Record<string, number[]>;
  cases: Array<{
    values: string;
    bins: HistogramBins;
    error?: string;
    histogram?: {
      min: number;
      max: number;
      num: number;
      sum: number;
      sum_squares: number;
      bucket_limit: number[];
      bucket: number[];
    };
  }>;
};

describe('histogram buckets as torch makes them', () => {
  it("builds torch's default 'tensorflow' bin edges exactly (1549 of them, ±1e-12·1.1^k and 0)", () => {
    const edges = defaultHistogramBins();
    expect(edges.length).toBe(fixture.default_bins_count);
    expect([0, 1, 773, 774, 775, edges.length - 1].map((index) => edges[index])).toEqual(fixture.default_bins_sample);
  });

  it.each(fixture.cases.map((entry) => [entry.values, JSON.stringify(entry.bins), entry] as const))(
    'values %s, bins %s: the buckets, limits, min, max and count of torch',
    (_, __, entry) => {
      const values = fixture.value_sets[entry.values]!;
      if (entry.error) {
        expect(() => makeHistogram(values, entry.bins)).toThrow(entry.error);
        return;
      }
      const expected = entry.histogram!;
      const histogram = makeHistogram(values, entry.bins);
      expect(histogram.bucket).toEqual(expected.bucket);
      expect(histogram.bucketLimit).toEqual(expected.bucket_limit);
      expect([histogram.min, histogram.max, histogram.num]).toEqual([expected.min, expected.max, expected.num]);
      // numpy sums pairwise and its dot product uses BLAS: the sums agree to rounding, not bit for bit.
      expect(histogram.sum).toBeCloseTo(expected.sum, 9);
      expect(Math.abs(histogram.sumSquares - expected.sum_squares)).toBeLessThanOrEqual(1e-12 * Math.abs(expected.sum_squares));
    },
  );

  it('counts four values into four equal bins, by hand', () => {
    // Edges 0.5, 1.5, 2.5, 3.5, 4.5; bins are closed on the left, the last on both sides. The first bucket is non-empty,
    // so torch puts an empty bucket before it (TensorBoard keeps right edges only).
    expect(makeHistogram([0.5, 1.0, 1.5, 4.5], 4)).toEqual({
      min: 0.5,
      max: 4.5,
      num: 4,
      sum: 7.5,
      sumSquares: 0.25 + 1 + 2.25 + 20.25,
      bucketLimit: [0.5, 1.5, 2.5, 3.5, 4.5],
      bucket: [0, 2, 1, 0, 1],
    });
  });

  it('trims to the non-empty buckets plus one empty bucket to their left, with explicit edges, by hand', () => {
    // Edges [0, 1, 2, 4, 8]: 2.5 and 3 fall in [2, 4), 8 in the closed last bin [4, 8]; 9 and -1 are outside. Bins
    // [0, 1) and [1, 2) are empty: only the second stays, as the empty bucket whose right edge is 2.
    const histogram = makeHistogram([2.5, 3, 8, 9, -1], [0, 1, 2, 4, 8]);
    expect(histogram.bucketLimit).toEqual([2, 4, 8]);
    expect(histogram.bucket).toEqual([0, 2, 1]);
    expect([histogram.min, histogram.max, histogram.num]).toEqual([-1, 9, 5]);
  });

  it('takes a Lantern tensor of any shape, a typed array or a number array alike', () => {
    const values = [-0.75, 0, 0.5, 0.5, 1.25, 3];
    const expected = makeHistogram(values, 'tensorflow');
    expect(makeHistogram(Float32Array.from(values), 'tensorflow')).toEqual(expected);
    expect(makeHistogram(tensor(values, { shape: [2, 3] }).dataSync(), 'tensorflow')).toEqual(expected);
  });

  it("leaves NaN out of the buckets but not out of min/max, and refuses to guess a range from NaN (numpy's rules)", () => {
    const histogram = makeHistogram([1, Number.NaN, 2], 'tensorflow');
    expect(histogram.bucket.reduce((total, count) => total + count, 0)).toBe(2);
    expect([histogram.min, histogram.max, histogram.num]).toEqual([Number.NaN, Number.NaN, 3]);
    expect(() => makeHistogram([1, Number.NaN], 3)).toThrow('autodetected range of [NaN, NaN] is not finite');
  });

  it('refuses empty input and invalid bins with a TensorBoardError', () => {
    expect(() => makeHistogram([], 'tensorflow')).toThrow(new TensorBoardError('addHistogram: The input has no element.'));
    expect(() => makeHistogram([1], 0)).toThrow(/`bins` must be positive, when an integer/);
    expect(() => makeHistogram([1], 2.5)).toThrow(TensorBoardError);
    expect(() => makeHistogram([1], [0, 2, 1])).toThrow('`bins` must increase monotonically, when an array');
    expect(() => makeHistogram([1], [0])).toThrow('bins needs at least 2 edges');
    expect(() => makeHistogram([5, 6], [0, 1, 2])).toThrow('The histogram is empty');
  });
});
