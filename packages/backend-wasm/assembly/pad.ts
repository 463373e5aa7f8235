import { min32 } from './common';
import { Pad } from './generated/bridge.gen';

// memory.copy and memory.fill leave the module for a runtime call, which costs more than the few dozen bytes of an
// image row at batch 1: short copies go through v128 registers instead.
@inline export function copyShort(to: usize, from: usize, bytes: usize): void {
  let k: usize = 0;
  for (; k + 16 <= bytes; k += 16) v128.store(to + k, v128.load(from + k));
  for (; k < bytes; k += 4) store<u32>(to + k, load<u32>(from + k));
}

@inline function zeroShort(to: usize, bytes: usize): void {
  let k: usize = 0;
  for (; k + 16 <= bytes; k += 16) v128.store(to + k, i32x4.splat(0));
  for (; k < bytes; k += 4) store<u32>(to + k, 0);
}

// Copies [planes, H, W] into [planes, H + top + bottom, W + left + right] with zero borders. Convolutions read the
// padded copy so their im2col loops carry no bounds checks and load 8 neighbouring pixels as two f32x4.
export function padTask(chunk: i32, thread: i32, args: usize): void {
  const source = Pad.source(args), destination = Pad.destination(args);
  const planes = Pad.planes(args), height = Pad.height(args), width = Pad.width(args);
  const top = Pad.top(args), bottom = Pad.bottom(args), left = Pad.left(args), right = Pad.right(args);
  const perChunk = Pad.planesPerChunk(args);
  const paddedHeight = height + top + bottom, paddedWidth = width + left + right;
  const first = chunk * perChunk, last = min32(planes, first + perChunk);
  for (let plane = first; plane < last; plane++) {
    const from = source + <usize>plane * <usize>(height * width) * 4;
    const to = destination + <usize>plane * <usize>(paddedHeight * paddedWidth) * 4;
    zeroShort(to, <usize>(top * paddedWidth) * 4);
    for (let h = 0; h < height; h++) {
      const row = to + <usize>((h + top) * paddedWidth) * 4;
      zeroShort(row, <usize>left * 4);
      copyShort(row + <usize>left * 4, from + <usize>(h * width) * 4, <usize>width * 4);
      zeroShort(row + <usize>(left + width) * 4, <usize>right * 4);
    }
    zeroShort(to + <usize>((top + height) * paddedWidth) * 4, <usize>(bottom * paddedWidth) * 4);
  }
}
