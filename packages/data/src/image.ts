import { TransformError } from './errors.js';

/**
 * A raw 8-bit image in height × width × channels order (HWC), what the datasets return before `ToTensor()`: the
 * counterpart of the PIL image torchvision's datasets hand to their transforms. Lantern's tensors have no uint8
 * dtype, so the bytes stay in a plain Uint8Array until ToTensor turns them into a float32 CHW tensor in [0, 1].
 * @example
 * const image = new RawImage(new Uint8Array(32 * 32 * 3), 32, 32, 3);
 * image.pixel(0, 0, 2) // blue value of the top-left pixel
 */
export class RawImage {
  constructor(
    readonly data: Uint8Array,
    readonly height: number,
    readonly width: number,
    readonly channels: number,
  ) {
    for (const [name, value] of [
      ['height', height],
      ['width', width],
      ['channels', channels],
    ] as const) {
      if (!Number.isInteger(value) || value <= 0)
        throw new TransformError(`RawImage: ${name} must be a positive integer, got ${value}`);
    }
    if (data.length !== height * width * channels) {
      throw new TransformError(`RawImage: ${data.length} bytes do not fill ${height}x${width}x${channels} (HWC)`);
    }
  }

  /** The HWC shape, as numpy would report it for the same image. */
  get shape(): [number, number, number] {
    return [this.height, this.width, this.channels];
  }

  pixel(row: number, column: number, channel = 0): number {
    return this.data[(row * this.width + column) * this.channels + channel]!;
  }
}

export function isRawImage(value: unknown): value is RawImage {
  return value instanceof RawImage;
}
