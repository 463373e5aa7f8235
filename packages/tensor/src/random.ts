import { compileHooks } from './compile/hooks.js';
import { InvalidArgumentError } from './errors.js';

/**
 * A seedable random source: MT19937, the generator behind PyTorch's CPU `torch.Generator`, drawn from the way
 * PyTorch's CPU kernels draw, so `manualSeed(s)` then `rand`/`randint`/`randperm`/uniform init give the same numbers
 * as PyTorch after `torch.manual_seed(s)` (checked by fixtures).
 */
export class Generator {
  private readonly state = new Uint32Array(624);
  private index = 624;
  private seed = 0;
  // Box-Muller yields two normals; PyTorch caches the second for the next draw.
  private cachedNormal: number | null = null;

  constructor(seed = 67280421310721) {
    this.manualSeed(seed);
  }

  /** Reseeds, as `torch.Generator.manual_seed`; seeds above 2^32 are taken modulo 2^32 as MT19937 does. */
  manualSeed(seed: number | bigint): this {
    this.seed = Number(BigInt(seed) & 0xffffffffn);
    const state = this.state;
    state[0] = this.seed;
    for (let i = 1; i < 624; i++) {
      const previous = state[i - 1]! ^ (state[i - 1]! >>> 30);
      state[i] = (Math.imul(1812433253, previous) + i) >>> 0;
    }
    this.index = 624;
    this.cachedNormal = null;
    return this;
  }

  initialSeed(): number {
    return this.seed;
  }

  /** The next 32-bit output of MT19937. */
  nextUint32(): number {
    compileHooks.randomDraw?.();
    if (this.index >= 624) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** PyTorch's random64(): two 32-bit draws, high word first. */
  nextUint64AsFraction53(): number {
    const high = this.nextUint32();
    const low = this.nextUint32();
    // (value & (2^53 - 1)) * 2^-53, computed without BigInt.
    return ((high & 0x1fffff) * 4294967296 + low) / 9007199254740992;
  }

  /** A float32-precision uniform in [0, 1): 24 random bits, as PyTorch's uniform_real_distribution<float>. */
  nextFloat24(): number {
    return (this.nextUint32() & 0xffffff) / 16777216;
  }

  /** Standard normal via Box-Muller on two 53-bit uniforms, caching the second value as PyTorch's generator does. */
  nextNormal(): number {
    if (this.cachedNormal !== null) {
      const cached = this.cachedNormal;
      this.cachedNormal = null;
      return cached;
    }
    const u1 = this.nextUint64AsFraction53();
    const u2 = this.nextUint64AsFraction53();
    const radius = Math.sqrt(-2 * Math.log(1 - u2));
    this.cachedNormal = radius * Math.sin(2 * Math.PI * u1);
    return radius * Math.cos(2 * Math.PI * u1);
  }

  /**
   * A copy of the whole state, as `torch.Generator.get_state()`: plain data, so it survives JSON (a checkpoint), and
   * `setState` on any generator continues the same stream, the cached second normal included.
   * @example
   * const state = generator.getState(); const a = rand([3], { generator });
   * generator.setState(state); const b = rand([3], { generator }); // b equals a
   */
  getState(): GeneratorState {
    return { seed: this.seed, words: Array.from(this.state), index: this.index, cachedNormal: this.cachedNormal };
  }

  /** Restores a state from `getState()`, as `torch.Generator.set_state()`; a malformed one is an InvalidArgumentError. */
  setState(state: GeneratorState): this {
    const { seed, words, index, cachedNormal } = checkGeneratorState(state);
    this.seed = seed;
    this.state.set(words);
    this.index = index;
    this.cachedNormal = cachedNormal;
    return this;
  }

  private twist(): void {
    const state = this.state;
    for (let i = 0; i < 624; i++) {
      const y = (state[i]! & 0x80000000) | (state[(i + 1) % 624]! & 0x7fffffff);
      let next = state[(i + 397) % 624]! ^ (y >>> 1);
      if (y & 1) next ^= 0x9908b0df;
      state[i] = next >>> 0;
    }
    this.index = 0;
  }
}

/** Everything a Generator's stream depends on (see `Generator.getState`). */
export interface GeneratorState {
  /** The seed it was last seeded with (`initialSeed()`). */
  readonly seed: number;
  /** MT19937's 624 state words, each an unsigned 32-bit integer. */
  readonly words: readonly number[];
  /** Which word the next draw tempers (0–624; 624 regenerates the words first). */
  readonly index: number;
  /** The second normal of the last Box-Muller pair, returned by the next normal draw, or null. */
  readonly cachedNormal: number | null;
}

const isUint32 = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;

function checkGeneratorState(state: GeneratorState): GeneratorState {
  const fail = (what: string) => {
    throw new InvalidArgumentError(`Generator.setState: ${what}`);
  };
  if (typeof state !== 'object' || state === null) fail(`expected a state from getState(), got ${String(state)}`);
  if (!isUint32(state.seed)) fail(`seed must be an unsigned 32-bit integer, got ${String(state.seed)}`);
  if (!Array.isArray(state.words) || state.words.length !== 624) fail('words must be an array of 624 state words');
  const bad = state.words.findIndex((word) => !isUint32(word));
  if (bad >= 0) fail(`words[${bad}] must be an unsigned 32-bit integer, got ${String(state.words[bad])}`);
  if (!Number.isInteger(state.index) || state.index < 0 || state.index > 624)
    fail(`index must be an integer in [0, 624], got ${String(state.index)}`);
  if (state.cachedNormal !== null && !Number.isFinite(state.cachedNormal))
    fail(`cachedNormal must be null or a finite number, got ${String(state.cachedNormal)}`);
  return state;
}

/** The generator used when an op is given none, like PyTorch's default CPU generator. */
export const defaultGenerator = new Generator();

/**
 * Seeds the default generator, as `torch.manual_seed`.
 * @example
 * manualSeed(0); const a = rand([2]); manualSeed(0); const b = rand([2]); // a equals b
 */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}
