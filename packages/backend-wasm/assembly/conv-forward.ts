import { min32, threadScratch } from './common';
import { ConvForward, TransposeWeights } from './generated/bridge.gen';
import { packPixelPanel } from './im2col';
import { copyShort } from './pad';
import { OVERWRITE, tile, tileGather } from './tile';

// Convolution forward (also the stride-1 input gradient, as a convolution of the padded output gradient with the
// flipped weights). One chunk = (image, group, block of output pixels, share of output channels): the chunk unfolds
// its pixels into B panels in its own scratch, then runs 4×8 tiles against the weight rows, which serve as A
// without packing (row stride = K). Arguments: src/bridge/convolution-tasks.ts.
export function convForwardTask(chunk: i32, thread: i32, args: usize): void {
  const channels = ConvForward.channels(args), outChannels = ConvForward.outChannels(args);
  const kernelHeight = ConvForward.kernelHeight(args), kernelWidth = ConvForward.kernelWidth(args);
  const outHeight = ConvForward.outHeight(args), outWidth = ConvForward.outWidth(args);
  const groups = ConvForward.groups(args), paddedHeight = ConvForward.paddedHeight(args), paddedWidth = ConvForward.paddedWidth(args);
  const input = ConvForward.input(args), weight = ConvForward.weight(args), bias = ConvForward.bias(args);
  const output = ConvForward.output(args);
  const blockPixels = ConvForward.blockPixels(args), splits = ConvForward.channelSplits(args);
  const inPerGroup = channels / groups, outPerGroup = outChannels / groups;
  const depth = inPerGroup * kernelHeight * kernelWidth, plane = outHeight * outWidth;
  const blocks = (plane + blockPixels - 1) / blockPixels;

  let rest = chunk;
  const split = rest % splits; rest /= splits;
  const block = rest % blocks; rest /= blocks;
  const group = rest % groups;
  const n = rest / groups;

  const scratch = threadScratch(ConvForward.scratch(args), ConvForward.scratchStride(args), thread);
  const edge = scratch, lanes = scratch + 128, offsets = scratch + 256, panels = offsets + ((<usize>depth * 4 + 63) & ~63);
  const p0 = block * blockPixels, p1 = min32(plane, p0 + blockPixels);
  const image = input + <usize>((n * channels + group * inPerGroup) * paddedHeight * paddedWidth) * 4;
  const strideH = ConvForward.strideHeight(args), strideW = ConvForward.strideWidth(args);
  const dilationH = ConvForward.dilationHeight(args), dilationW = ConvForward.dilationWidth(args);
  const share = ((outPerGroup + splits * 4 - 1) / (splits * 4)) * 4;
  const m0 = split * share, m1 = min32(outPerGroup, m0 + share);
  const rowBytes = <usize>depth * 4, ldc = <usize>plane * 4;
  const panelBytes = <usize>depth * 32;
  const panelCount = (p1 - p0 + 7) >> 3;

  // Offsets of every kernel tap (c, i, j) in the padded image, for the gathering tile and the panel packer.
  const flip = ConvForward.flipTaps(args);
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
 * weight [O, C, KH, KW] → transposed [C, O, KH, KW] (whole kernels moved, taps untouched): with flipped taps
 * (ConvForward.flipTaps), the weight of the convolution that computes a stride-1 convolution's input gradient. One
 * chunk per output channel o.
 */
export function transposeWeightsTask(chunk: i32, thread: i32, args: usize): void {
  const weight = TransposeWeights.weight(args), transposed = TransposeWeights.transposed(args);
  const outChannels = TransposeWeights.outChannels(args), channels = TransposeWeights.channels(args);
  const bytes = <usize>TransposeWeights.kernelArea(args) * 4;
  const o = chunk;
  for (let c = 0; c < channels; c++) {
    copyShort(transposed + <usize>(c * outChannels + o) * bytes, weight + <usize>(o * channels + c) * bytes, bytes);
  }
}
