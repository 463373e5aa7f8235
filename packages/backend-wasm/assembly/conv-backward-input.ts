import { min32, threadScratch } from './common';
import { ConvBackwardInput } from './generated/bridge.gen';
import { OVERWRITE, tile } from './tile';

// Input gradient of strided, dilated or grouped convolutions (stride 1 runs as a convolution with flipped weights,
// see src/kernels/conv2d-backward-input.ts). Per chunk = (image, group, block of input channels): column gradients
// gradCols[(c, i, j), P] = Wᵀ · gradOut run through the tile into the chunk's scratch, then col2im adds them into
// those channels of gradInput (zero-filled by core). Chunks own disjoint channels, so the scatter-adds never race.
// Arguments: ConvBackwardInput in src/bridge/convolution-tasks.ts.
export function convBackwardInputTask(chunk: i32, thread: i32, args: usize): void {
  const channels = ConvBackwardInput.channels(args), outChannels = ConvBackwardInput.outChannels(args);
  const kernelHeight = ConvBackwardInput.kernelHeight(args), kernelWidth = ConvBackwardInput.kernelWidth(args);
  const outHeight = ConvBackwardInput.outHeight(args), outWidth = ConvBackwardInput.outWidth(args);
  const groups = ConvBackwardInput.groups(args), height = ConvBackwardInput.height(args), width = ConvBackwardInput.width(args);
  const gradOut = ConvBackwardInput.gradOutput(args), weight = ConvBackwardInput.weight(args);
  const gradInput = ConvBackwardInput.gradInput(args), blockChannels = ConvBackwardInput.blockChannels(args);
  const inPerGroup = channels / groups, outPerGroup = outChannels / groups, area = kernelHeight * kernelWidth;
  const depth = inPerGroup * area, plane = outHeight * outWidth;
  const blocks = (inPerGroup + blockChannels - 1) / blockChannels;
  const block = chunk % blocks, rest = chunk / blocks, group = rest % groups, n = rest / groups;
  const c0 = block * blockChannels, c1 = min32(inPerGroup, c0 + blockChannels);

  const scratch = threadScratch(ConvBackwardInput.scratch(args), ConvBackwardInput.scratchStride(args), thread);
  const edge = scratch, panel = scratch + 128, columns = panel + ((<usize>outPerGroup * 32 + 63) & ~63);
  const rows = (c1 - c0) * area;
  const weights = weight + <usize>(group * outPerGroup * depth + c0 * area) * 4;
  const gradient = gradOut + <usize>((n * outChannels + group * outPerGroup) * plane) * 4;
  const ldc = <usize>plane * 4;
  for (let p = 0; p < plane; p += 8) {
    const cols = min32(8, plane - p);
    let b = gradient + <usize>p * 4, bStep = <usize>plane * 4;
    if (cols < 8) {
      // The last, partial panel is copied and zero-padded so the tile can read 8 floats per k.
      for (let o = 0; o < outPerGroup; o++) {
        for (let lane = 0; lane < 8; lane++) {
          store<f32>(panel + <usize>(o * 32 + lane * 4), lane < cols ? load<f32>(b + <usize>(o * plane + lane) * 4) : 0);
        }
      }
      b = panel;
      bStep = 32;
    }
    for (let r = 0; r < rows; r += 4) {
      tile(outPerGroup, weights + <usize>r * 4, 4, <usize>depth * 4, b, bStep, columns + <usize>r * ldc + <usize>p * 4, ldc,
        OVERWRITE, min32(4, rows - r), cols, 0, edge);
    }
  }

  const strideH = ConvBackwardInput.strideHeight(args), strideW = ConvBackwardInput.strideWidth(args);
  const dilationH = ConvBackwardInput.dilationHeight(args), dilationW = ConvBackwardInput.dilationWidth(args);
  const padH = ConvBackwardInput.paddingHeight(args), padW = ConvBackwardInput.paddingWidth(args);
  let from = columns;
  for (let c = c0; c < c1; c++) {
    const target = gradInput + <usize>((n * channels + group * inPerGroup + c) * height * width) * 4;
    memory.fill(target, 0, <usize>(height * width) * 4); // the kernel sets all of gradInput; col2im then adds into it
    for (let i = 0; i < kernelHeight; i++) {
      for (let j = 0; j < kernelWidth; j++) {
        for (let oh = 0; oh < outHeight; oh++) {
          const h = oh * strideH - padH + i * dilationH;
          if (h < 0 || h >= height) { from += <usize>outWidth * 4; continue; }
          const line = target + <usize>(h * width) * 4;
          for (let ow = 0; ow < outWidth; ow++) {
            const w = ow * strideW - padW + j * dilationW;
            if (w >= 0 && w < width) {
              const at = line + <usize>w * 4;
              store<f32>(at, load<f32>(at) + load<f32>(from));
            }
            from += 4;
          }
        }
      }
    }
  }
}
