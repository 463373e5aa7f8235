import { describe, expect, it } from 'vitest';
import { webgpuForTests } from './test-environment.js';

const backend = await webgpuForTests();

describe.skipIf(!backend)('README example', () => {
  it('examples/linear-regression.ts fits y = 2x + 1 on webgpu', async () => {
    const { result } = await import('../examples/linear-regression.js');
    expect(result.weight).toBeCloseTo(2, 2);
    expect(result.bias).toBeCloseTo(1, 2);
  });
});
