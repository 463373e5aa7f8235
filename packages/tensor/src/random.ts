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
