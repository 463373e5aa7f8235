import { describe, expect, it } from 'vitest';
import { describeTfjsWebgpu, measureTfjsWebgpu, TfjsWebgpuUnavailableError } from './tfjs-webgpu-reference.js';

// The bench's tfjs-webgpu anchor must load in this workspace (its packages are devDependencies here) and train. Where
// the machine has no WebGPU adapter the test skips and says why; under CI (which installs lavapipe) that fails instead.
let adapter: string | null = null;
try {
  adapter = await describeTfjsWebgpu();
} catch (error) {
  if (!(error instanceof TfjsWebgpuUnavailableError) || process.env.CI) throw error;
  console.warn(`[@lantern/cifar-trainer] SKIPPING the tfjs-webgpu reference test: ${error.message}`);
}

describe.skipIf(!adapter)('the tfjs-webgpu reference', () => {
  it('names tfjs and the adapter', () => {
    expect(adapter).toMatch(/^tfjs 4\.22\.0 webgpu on \S/);
  });

  it('trains the course CNN on tfjs webgpu and reports images/s', async () => {
    const measurement = await measureTfjsWebgpu(2, 1);
    expect(measurement).toMatchObject({ system: 'tfjs-webgpu', batchSize: 2, threads: 1 });
    expect(measurement.imagesPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(measurement.imagesPerSecond)).toBe(true);
  }, 180_000);
});
