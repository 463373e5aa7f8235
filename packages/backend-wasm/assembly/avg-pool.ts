import { min32 } from './common';
import { AveragePool } from './generated/bridge.gen';

// Average pooling, one chunk = a run of planes, with torch.nn.functional.avg_pool2d's divisor: a window's size
// clipped to the padded input (never ceil mode's overhang), or to the input itself without countIncludePad, unless a
// divisor is imposed. Sums run in f64 and round once, as the cpu reference's do.

@inline function windowStart(at: i32, stride: i32, padding: i32): i32 {
  return at * stride - padding;
}

/** End of a window starting at `start`, clipped to the padded input (the divisor's extent with countIncludePad). */
@inline function paddedEnd(start: i32, kernel: i32, size: i32, padding: i32): i32 {
  return min32(start + kernel, size + padding);
}

@inline function clipStart(start: i32): i32 {
  return start < 0 ? 0 : start;
}

/** The divisor of the window whose padded extents are `rows` × `columns` and input extents `inRows` × `inColumns`. */
@inline function divisorOf(args: usize, rows: i32, columns: i32, inRows: i32, inColumns: i32): f64 {
  const imposed = AveragePool.divisorOverride(args);
  if (imposed != 0) return <f64>imposed;
  return AveragePool.countIncludePad(args) ? <f64>(rows * columns) : <f64>(inRows * inColumns);
}

export function avgPoolTask(chunk: i32, thread: i32, args: usize): void {
  const height = AveragePool.height(args), width = AveragePool.width(args), planeIn = height * width;
  const outHeight = AveragePool.outHeight(args), outWidth = AveragePool.outWidth(args), planeOut = outHeight * outWidth;
  const kernelH = AveragePool.kernelHeight(args), kernelW = AveragePool.kernelWidth(args);
  const strideH = AveragePool.strideHeight(args), strideW = AveragePool.strideWidth(args);
  const padH = AveragePool.paddingHeight(args), padW = AveragePool.paddingWidth(args);
  const perChunk = AveragePool.planesPerChunk(args);
  const first = chunk * perChunk, last = min32(AveragePool.planes(args), first + perChunk);
  for (let plane = first; plane < last; plane++) {
    const x = AveragePool.source(args) + <usize>(plane * planeIn) * 4;
    let y = AveragePool.destination(args) + <usize>(plane * planeOut) * 4;
    for (let oh = 0; oh < outHeight; oh++) {
      const top = windowStart(oh, strideH, padH), paddedBottom = paddedEnd(top, kernelH, height, padH);
      const h0 = clipStart(top), h1 = min32(paddedBottom, height);
      for (let ow = 0; ow < outWidth; ow++) {
        const left = windowStart(ow, strideW, padW), paddedRight = paddedEnd(left, kernelW, width, padW);
        const w0 = clipStart(left), w1 = min32(paddedRight, width);
        let sum: f64 = 0;
        for (let h = h0; h < h1; h++) {
          const row = x + <usize>(h * width) * 4;
          for (let w = w0; w < w1; w++) sum += <f64>load<f32>(row + <usize>w * 4);
        }
        const divisor = divisorOf(args, paddedBottom - top, paddedRight - left, h1 - h0, w1 - w0);
        store<f32>(y, <f32>(sum / divisor));
        y += 4;
      }
    }
  }
}

export function avgPoolBackwardTask(chunk: i32, thread: i32, args: usize): void {
  const height = AveragePool.height(args), width = AveragePool.width(args), planeIn = height * width;
  const outHeight = AveragePool.outHeight(args), outWidth = AveragePool.outWidth(args), planeOut = outHeight * outWidth;
  const kernelH = AveragePool.kernelHeight(args), kernelW = AveragePool.kernelWidth(args);
  const strideH = AveragePool.strideHeight(args), strideW = AveragePool.strideWidth(args);
  const padH = AveragePool.paddingHeight(args), padW = AveragePool.paddingWidth(args);
  const perChunk = AveragePool.planesPerChunk(args);
  const first = chunk * perChunk, last = min32(AveragePool.planes(args), first + perChunk);
  for (let plane = first; plane < last; plane++) {
    let g = AveragePool.source(args) + <usize>(plane * planeOut) * 4;
    const gx = AveragePool.destination(args) + <usize>(plane * planeIn) * 4;
    memory.fill(gx, 0, <usize>planeIn * 4); // the kernel sets all of gradInput; windows then add into it
    for (let oh = 0; oh < outHeight; oh++) {
      const top = windowStart(oh, strideH, padH), paddedBottom = paddedEnd(top, kernelH, height, padH);
      const h0 = clipStart(top), h1 = min32(paddedBottom, height);
      for (let ow = 0; ow < outWidth; ow++) {
        const left = windowStart(ow, strideW, padW), paddedRight = paddedEnd(left, kernelW, width, padW);
        const w0 = clipStart(left), w1 = min32(paddedRight, width);
        const divisor = divisorOf(args, paddedBottom - top, paddedRight - left, h1 - h0, w1 - w0);
        const share = <f64>load<f32>(g) / divisor;
        g += 4;
        for (let h = h0; h < h1; h++) {
          const row = gx + <usize>(h * width) * 4;
          for (let w = w0; w < w1; w++) {
            const at = row + <usize>w * 4;
            store<f32>(at, <f32>(<f64>load<f32>(at) + share));
          }
        }
      }
    }
  }
}
