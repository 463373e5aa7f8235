import type { Tensor } from '@lantern/tensor';
import { formatFloat } from './layer-options.js';
import { Module } from './module.js';

/** max(0, x). */
export class ReLU extends Module {
  forward(input: Tensor): Tensor {
    return input.relu();
  }
}

/** x for x > 0, negativeSlope · x otherwise. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  forward(input: Tensor): Tensor {
    return input.leakyRelu(this.negativeSlope);
  }

  protected override extraRepr(): string {
    return `negative_slope=${formatFloat(this.negativeSlope)}`;
  }
}

export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}

export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return input.tanh();
  }
}

/** GELU, exact (erf) by default or with PyTorch's tanh approximation. */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }

  forward(input: Tensor): Tensor {
    return input.gelu(this.approximate);
  }

  protected override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** Softmax along `dim` (PyTorch's implicit-dim legacy is not carried over: name the dim). */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
  }

  forward(input: Tensor): Tensor {
    return input.softmax(this.dim);
  }

  protected override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** log(softmax(x)) along `dim`, computed stably (x - max - log Σ exp(x - max)). */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
  }

  forward(input: Tensor): Tensor {
    return input.logSoftmax(this.dim);
  }

  protected override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
