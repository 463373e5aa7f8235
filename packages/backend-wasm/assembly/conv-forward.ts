import { address, int, min32, threadScratch } from './args';
import { packPixelPanel } from './im2col';
import { copyShort } from './pad';
import { OVERWRITE, tile, tileGather } from './tile';

// Convolution forward (also the stride-1 input gradient, as a convolution of the padded output gradient with the
// flipped weights). One chunk = (image, group, block of output pixels, share of output channels): the chunk unfolds
// its pixels into B panels in its own scratch, then runs 4×8 tiles against the weight rows, which serve as A
// without packing (row stride = K).
// Slots: 0 N, 1 C, 2 O, 3 KH, 4 KW, 5 OH, 6 OW, 7 sh, 8 sw, 9 dh, 10 dw, 11 groups, 12 padded H, 13 padded W,
// 14 padded input, 15 weight, 16 bias (0: none), 17 output, 18 scratch base, 19 scratch stride, 20 pixels per block,
// 21 channel splits, 22 flipped taps (1: tap (i, j) reads the image at (KH-1-i, KW-1-j), for the input gradient).
export function convForwardTask(chunk: i32, thread: i32, args: usize): void {
  const channels = int(args, 1), outChannels = int(args, 2);
  const kernelHeight = int(args, 3), kernelWidth = int(args, 4), outHeight = int(args, 5), outWidth = int(args, 6);
  const groups = int(args, 11), paddedHeight = int(args, 12), paddedWidth = int(args, 13);
  const input = address(args, 14), weight = address(args, 15), bias = address(args, 16), output = address(args, 17);
  const blockPixels = int(args, 20), splits = int(args, 21);
  const inPerGroup = channels / groups, outPerGroup = outChannels / groups;
  const depth = inPerGroup * kernelHeight * kernelWidth, plane = outHeight * outWidth;
  const blocks = (plane + blockPixels - 1) / blockPixels;

  let rest = chunk;
  const split = rest % splits; rest /= splits;
  const block = rest % blocks; rest /= blocks;
  const group = rest % groups;
  const n = rest / groups;

  const scratch = threadScratch(args, 18, thread);
  const edge = scratch, lanes = scratch + 128, offsets = scratch + 256, panels = offsets + ((<usize>depth * 4 + 63) & ~63);
  const p0 = block * blockPixels, p1 = min32(plane, p0 + blockPixels);
  const image = input + <usize>((n * channels + group * inPerGroup) * paddedHeight * paddedWidth) * 4;
  const strideH = int(args, 7), strideW = int(args, 8), dilationH = int(args, 9), dilationW = int(args, 10);
  const share = ((outPerGroup + splits * 4 - 1) / (splits * 4)) * 4;
  const m0 = split * share, m1 = min32(outPerGroup, m0 + share);
  const rowBytes = <usize>depth * 4, ldc = <usize>plane * 4;
  const panelBytes = <usize>depth * 32;
  const panelCount = (p1 - p0 + 7) >> 3;

  // Offsets of every kernel tap (c, i, j) in the padded image, for the gathering tile and the panel packer.
  const flip = int(args, 22) != 0;
  let tap = offsets;
  for (let c = 0; c < inPerGroup; c++) {
    for (let i = 0; i < kernelHeight; i++) {
      for (let j = 0; j < kernelWidth; j++) {
        const row = flip ? kernelHeight - 1 - i : i, column = flip ? kernelWidth - 1 - j : j;
        store<i32>(tap, (c * paddedHeight + row * dilationH) * paddedWidth + column * dilationW);
        tap += 4;
      }
    }
  }
  for (let q = 0; q < panelCount; q++) {
    const start = p0 + (q << 3), cols = min32(8, p1 - start);
    const oh = start / outWidth, ow = start - oh * outWidth;
    // 8 pixels on one output row, unit stride: the tile reads them straight from the image.
    const gather = cols == 8 && strideW == 1 && ow + 8 <= outWidth;
    const panel = panels + <usize>q * panelBytes;
    if (!gather) packPixelPanel(image, offsets, depth, paddedWidth, strideH, strideW, outWidth, start, cols, panel, lanes);
    const pixels = image + <usize>(oh * strideH * paddedWidth + ow) * 4;
    for (let m = m0; m < m1; m += 4) {
      const o = group * outPerGroup + m, rows = min32(4, m1 - m);
      const weights = weight + <usize>o * rowBytes;
      const out = output + (<usize>(n * outChannels + o) * <usize>plane + <usize>start) * 4;
      const biasRow = bias != 0 ? bias + <usize>o * 4 : 0;
      if (gather && rows == 4) tileGather(depth, weights, rowBytes, 4, pixels, offsets, out, ldc, biasRow);
      else {
        // Partial tiles (the last rows of a share) take the packed path; only they need the panel when gathering.
        if (gather) packPixelPanel(image, offsets, depth, paddedWidth, strideH, strideW, outWidth, start, cols, panel, lanes);
        tile(depth, weights, rowBytes, 4, panel, 32, out, ldc, OVERWRITE, rows, cols, biasRow, edge);
      }
    }
  }
}

/**
 * weight [O, C, KH, KW] → transposed [C, O, KH, KW] (whole kernels moved, taps untouched): with flipped taps (slot
 * 22), the weight of the convolution that computes a stride-1 convolution's input gradient. One chunk per output
 * channel o. Slots: 0 weight, 1 transposed, 2 O, 3 C, 4 KH * KW.
 */
export function transposeWeightsTask(chunk: i32, thread: i32, args: usize): void {
  const weight = address(args, 0), transposed = address(args, 1);
  const outChannels = int(args, 2), channels = int(args, 3), bytes = <usize>int(args, 4) * 4;
  const o = chunk;
  for (let c = 0; c < channels; c++) {
    copyShort(transposed + <usize>(c * outChannels + o) * bytes, weight + <usize>(o * channels + c) * bytes, bytes);
  }
}
