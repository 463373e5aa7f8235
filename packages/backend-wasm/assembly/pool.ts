import { min32 } from './common';
import { MaxPool, MaxPoolBackward } from './generated/bridge.gen';

// Max pooling, one chunk = a run of [H, W] planes. Padding never wins and NaN wins (stops the window), as PyTorch.
export function maxPoolTask(chunk: i32, thread: i32, args: usize): void {
  const planes = MaxPool.planes(args), height = MaxPool.height(args), width = MaxPool.width(args);
  const outHeight = MaxPool.outHeight(args), outWidth = MaxPool.outWidth(args);
  const kernelHeight = MaxPool.kernelHeight(args), kernelWidth = MaxPool.kernelWidth(args);
  const strideH = MaxPool.strideHeight(args), strideW = MaxPool.strideWidth(args);
  const padH = MaxPool.paddingHeight(args), padW = MaxPool.paddingWidth(args);
  const dilationH = MaxPool.dilationHeight(args), dilationW = MaxPool.dilationWidth(args);
  const input = MaxPool.input(args), output = MaxPool.output(args), indices = MaxPool.indices(args);
  const perChunk = MaxPool.planesPerChunk(args);
  const first = chunk * perChunk, last = min32(planes, first + perChunk);
  const planeIn = height * width, planeOut = outHeight * outWidth;
  const halving = kernelHeight == 2 && kernelWidth == 2 && strideH == 2 && strideW == 2 && padH == 0 && padW == 0 &&
    dilationH == 1 && dilationW == 1 && 2 * outHeight <= height && 2 * outWidth <= width; // ceil mode can overhang
  for (let plane = first; plane < last; plane++) {
    if (halving) {
      maxPool2x2(input + <usize>(plane * planeIn) * 4, width, outHeight, outWidth, output + <usize>(plane * planeOut) * 4,
        indices + <usize>(plane * planeOut) * 4);
      continue;
    }
    const x = input + <usize>(plane * planeIn) * 4;
    let at = <usize>(plane * planeOut) * 4;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        let best = -Infinity as f32, bestIndex = -1;
        for (let i = 0; i < kernelHeight; i++) {
          const h = oh * strideH - padH + i * dilationH;
          if (h < 0 || h >= height) continue;
          let stop = false;
          for (let j = 0; j < kernelWidth; j++) {
            const w = ow * strideW - padW + j * dilationW;
            if (w < 0 || w >= width) continue;
            const index = h * width + w;
            const value = load<f32>(x + <usize>index * 4);
            if (value > best || value != value || bestIndex < 0) {
              best = value;
              bestIndex = index;
              if (value != value) { stop = true; break; }
            }
          }
          if (stop) break;
        }
        store<f32>(output + at, best);
        store<i32>(indices + at, bestIndex);
        at += 4;
      }
    }
  }
}

// The CNN's case (2×2 windows, stride 2, no padding): four outputs per step. Window order is (0,0), (0,1), (1,0),
// (1,1); a candidate replaces the best when it is larger, or when it is NaN and the best is not yet NaN, which gives
// the generic loop's answer (the first NaN, else the first maximum).
function maxPool2x2(x: usize, width: i32, outHeight: i32, outWidth: i32, y: usize, indices: usize): void {
  for (let oh = 0; oh < outHeight; oh++) {
    const top = x + <usize>(2 * oh * width) * 4, bottom = top + <usize>width * 4;
    const rowIndex = 2 * oh * width;
    let ow = 0;
    for (; ow + 4 <= outWidth; ow += 4) {
      const t0 = v128.load(top + <usize>(ow * 8)), t1 = v128.load(top + <usize>(ow * 8), 16);
      const b0 = v128.load(bottom + <usize>(ow * 8)), b1 = v128.load(bottom + <usize>(ow * 8), 16);
      let best = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6);
      const base = i32x4.add(i32x4.splat(rowIndex + 2 * ow), i32x4(0, 2, 4, 6));
      let index = base;
      let candidate = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7);
      let take = v128.or(f32x4.gt(candidate, best), v128.andnot(f32x4.ne(candidate, candidate), f32x4.ne(best, best)));
      best = v128.bitselect(candidate, best, take);
      index = v128.bitselect(i32x4.add(base, i32x4.splat(1)), index, take);
      candidate = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
      take = v128.or(f32x4.gt(candidate, best), v128.andnot(f32x4.ne(candidate, candidate), f32x4.ne(best, best)));
      best = v128.bitselect(candidate, best, take);
      index = v128.bitselect(i32x4.add(base, i32x4.splat(width)), index, take);
      candidate = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
      take = v128.or(f32x4.gt(candidate, best), v128.andnot(f32x4.ne(candidate, candidate), f32x4.ne(best, best)));
      best = v128.bitselect(candidate, best, take);
      index = v128.bitselect(i32x4.add(base, i32x4.splat(width + 1)), index, take);
      v128.store(y + <usize>((oh * outWidth + ow) * 4), best);
      v128.store(indices + <usize>((oh * outWidth + ow) * 4), index);
    }
    for (; ow < outWidth; ow++) {
      let best = load<f32>(top + <usize>(ow * 8)), index = rowIndex + 2 * ow;
      for (let k = 1; k < 4; k++) {
        const offset = (k >> 1) * width + (k & 1);
        const value = load<f32>(top + <usize>((2 * ow + offset) * 4));
        if (value > best || (value != value && best == best)) { best = value; index = rowIndex + 2 * ow + offset; }
      }
      store<f32>(y + <usize>((oh * outWidth + ow) * 4), best);
      store<i32>(indices + <usize>((oh * outWidth + ow) * 4), index);
    }
  }
}

// Scatter-add of each output gradient to its saved index; windows may overlap, planes never do. Each plane is zeroed
// first, while it is in cache: the kernel sets all of gradInput (core's contract), so compile() need not zero it.
export function maxPoolBackwardTask(chunk: i32, thread: i32, args: usize): void {
  const planes = MaxPoolBackward.planes(args), planeIn = MaxPoolBackward.inputPlane(args);
  const planeOut = MaxPoolBackward.outputPlane(args), gradOut = MaxPoolBackward.gradOutput(args);
  const indices = MaxPoolBackward.indices(args), gradIn = MaxPoolBackward.gradInput(args);
  const perChunk = MaxPoolBackward.planesPerChunk(args);
  const first = chunk * perChunk, last = min32(planes, first + perChunk);
  for (let plane = first; plane < last; plane++) {
    const base = gradIn + <usize>(plane * planeIn) * 4;
    memory.fill(base, 0, <usize>planeIn * 4);
    const from = <usize>(plane * planeOut) * 4;
    for (let p = 0; p < planeOut; p++) {
      const offset = from + <usize>p * 4;
      const at = base + <usize>load<i32>(indices + offset) * 4;
      store<f32>(at, load<f32>(at) + load<f32>(gradOut + offset));
    }
  }
}
