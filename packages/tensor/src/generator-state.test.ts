import { registerCpuBackend } from '@lantern/backend-cpu';
import { describe, expect, it } from 'vitest';
import { Generator, type GeneratorState, InvalidArgumentError, randn, randperm } from './index.js';

await registerCpuBackend();

const draws = (generator: Generator) => [
  ...randperm(700, { generator }).dataSync(), // past one MT19937 twist
  ...randn([3], { generator }).dataSync(), // an odd count leaves a cached normal behind
  generator.nextUint32(),
];

describe('Generator.getState / setState (torch.Generator.get_state / set_state)', () => {
  it('continues the same stream, on the same or another generator, through JSON, the cached normal included', () => {
    const generator = new Generator(7);
    draws(generator);
    const state = generator.getState();
    expect(state.cachedNormal).not.toBeNull();
    const expected = draws(generator);
    expect(draws(generator.setState(state))).toEqual(expected);
    const restored = new Generator(123).setState(JSON.parse(JSON.stringify(state)) as GeneratorState);
    expect(restored.initialSeed()).toBe(7);
    expect(draws(restored)).toEqual(expected);
  });

  it('hands out a copy: changing it changes nothing', () => {
    const generator = new Generator(1);
    const state = generator.getState();
    (state.words as number[])[0] = 0;
    expect(generator.getState().words[0]).not.toBe(0);
  });

  it.each([
    ['null', null, 'expected a state'],
    ['seed', { seed: -1 }, 'seed must be an unsigned 32-bit integer, got -1'],
    ['words', { words: [1, 2] }, 'words must be an array of 624'],
    ['a word', { words: Array.from({ length: 624 }, (_, i) => (i === 5 ? 2 ** 32 : 0)) }, 'words[5]'],
    ['index', { index: 625 }, 'index must be an integer in [0, 624], got 625'],
    ['cachedNormal', { cachedNormal: Number.NaN }, 'cachedNormal must be null or a finite number'],
  ])('refuses a malformed %s with an InvalidArgumentError naming it', (_, change, message) => {
    const valid = new Generator(3).getState();
    const state = (change === null ? null : { ...valid, ...change }) as GeneratorState;
    const generator = new Generator(3);
    expect(() => generator.setState(state)).toThrow(InvalidArgumentError);
    expect(() => generator.setState(state)).toThrow(message);
    expect(generator.getState()).toEqual(valid);
  });
});
