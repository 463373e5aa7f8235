import { address, int, min32 } from './args';

// Copies [planes, H, W] into [planes, H + top + bottom, W + left + right] with zero borders. Convolutions read the
// padded copy so their im2col loops carry no bounds checks and load 8 neighbouring pixels as two f32x4.
// Slots: 0 source, 1 destination, 2 planes, 3 H, 4 W, 5 top, 6 bottom, 7 left, 8 right, 9 planes per chunk.
export function padTask(chunk: i32, thread: i32, args: usize): void {
  const source = address(args, 0), destination = address(args, 1);
  const planes = int(args, 2), height = int(args, 3), width = int(args, 4);
  const top = int(args, 5), bottom = int(args, 6), left = int(args, 7), right = int(args, 8);
  const perChunk = int(args, 9);
  const paddedHeight = height + top + bottom, paddedWidth = width + left + right;
  const first = chunk * perChunk, last = min32(planes, first + perChunk);
  for (let plane = first; plane < last; plane++) {
    const from = source + <usize>plane * <usize>(height * width) * 4;
    const to = destination + <usize>plane * <usize>(paddedHeight * paddedWidth) * 4;
    if (top > 0) memory.fill(to, 0, <usize>(top * paddedWidth) * 4);
    for (let h = 0; h < height; h++) {
      const row = to + <usize>((h + top) * paddedWidth) * 4;
      if (left > 0) memory.fill(row, 0, <usize>left * 4);
      memory.copy(row + <usize>left * 4, from + <usize>(h * width) * 4, <usize>width * 4);
      if (right > 0) memory.fill(row + <usize>(left + width) * 4, 0, <usize>right * 4);
    }
    if (bottom > 0) memory.fill(to + <usize>((top + height) * paddedWidth) * 4, 0, <usize>(bottom * paddedWidth) * 4);
  }
}
