import { type ArgumentDeclaration, type TaskSignature, threadScratch } from './declaration.js';

// The direct convolution kernels' tasks (assembly/pad.ts, conv-forward.ts, conv-backward-input.ts,
// conv-backward-weight.ts). Shapes are NCHW; addresses are byte offsets into linear memory.

/** The convolution geometry that leads the forward and both backward kernels' arguments. */
const geometry: readonly ArgumentDeclaration[] = [
  ['batch', 'int', 'N, images'],
  ['channels', 'int', 'C, input channels'],
  ['outChannels', 'int', 'O, output channels'],
  ['kernelHeight', 'int', 'KH'],
  ['kernelWidth', 'int', 'KW'],
  ['outHeight', 'int', 'OH'],
  ['outWidth', 'int', 'OW'],
  ['strideHeight', 'int', 'vertical stride'],
  ['strideWidth', 'int', 'horizontal stride'],
  ['dilationHeight', 'int', 'vertical dilation'],
  ['dilationWidth', 'int', 'horizontal dilation'],
  ['groups', 'int', 'channel groups'],
];

export const pad: TaskSignature = {
  name: 'Pad',
  module: 'pad',
  tasks: ['padTask'],
  description: 'Copies a run of [H, W] planes into zero-bordered [H + top + bottom, W + left + right] planes.',
  arguments: [
    ['source', 'address', '[planes, H, W] float32'],
    ['destination', 'address', '[planes, padded H, padded W] float32'],
    ['planes', 'int', 'planes in all'],
    ['height', 'int', 'H'],
    ['width', 'int', 'W'],
    ['top', 'int', 'zero rows above'],
    ['bottom', 'int', 'zero rows below'],
    ['left', 'int', 'zero columns on the left'],
    ['right', 'int', 'zero columns on the right'],
    ['planesPerChunk', 'int', 'planes one chunk copies'],
  ],
};

export const convForward: TaskSignature = {
  name: 'ConvForward',
  module: 'conv-forward',
  tasks: ['convForwardTask'],
  description:
    'Convolution of the padded input with the weights (+ bias); one chunk = (image, group, block of output pixels, share of output channels).',
  arguments: [
    ...geometry,
    ['paddedHeight', 'int', 'height of the padded input'],
    ['paddedWidth', 'int', 'width of the padded input'],
    ['input', 'address', 'the padded input [N, C, padded H, padded W]'],
    ['weight', 'address', '[O, C / groups, KH, KW]'],
    ['bias', 'address', '[O], or 0 for none'],
    ['output', 'address', '[N, O, OH, OW]'],
    ...threadScratch,
    ['blockPixels', 'int', 'output pixels per block'],
    ['channelSplits', 'int', 'shares the output channels of a group are split into'],
    ['flipTaps', 'flag', 'tap (i, j) reads the image at (KH-1-i, KW-1-j): the input gradient as a convolution'],
  ],
};

export const transposeWeights: TaskSignature = {
  name: 'TransposeWeights',
  module: 'conv-forward',
  tasks: ['transposeWeightsTask'],
  description: 'weight [O, C, KH, KW] → transposed [C, O, KH, KW], whole kernels moved; one chunk per output channel.',
  arguments: [
    ['weight', 'address', '[O, C, KH, KW]'],
    ['transposed', 'address', '[C, O, KH, KW]'],
    ['outChannels', 'int', 'O'],
    ['channels', 'int', 'C'],
    ['kernelArea', 'int', 'KH · KW'],
  ],
};

export const convBackwardInput: TaskSignature = {
  name: 'ConvBackwardInput',
  module: 'conv-backward-input',
  tasks: ['convBackwardInputTask'],
  description:
    'Input gradient of strided, dilated or grouped convolutions (GEMM then col2im); one chunk = (image, group, block of input channels).',
  arguments: [
    ...geometry,
    ['height', 'int', 'H of the input'],
    ['width', 'int', 'W of the input'],
    ['paddingHeight', 'int', 'rows of padding above and below'],
    ['paddingWidth', 'int', 'columns of padding left and right'],
    ['gradOutput', 'address', '[N, O, OH, OW]'],
    ['weight', 'address', '[O, C / groups, KH, KW]'],
    ['gradInput', 'address', '[N, C, H, W], set whole (each chunk zeroes its planes first)'],
    ...threadScratch,
    ['blockChannels', 'int', 'input channels per block'],
  ],
};

export const packGradOutput: TaskSignature = {
  name: 'PackGradOutput',
  module: 'conv-backward-weight',
  tasks: ['packGradOutputTask'],
  description: 'gradOut [N, O, P] → per (image, group) panels of 8 output channels, [P, 8] each; one chunk per (image, group).',
  arguments: [
    ['batch', 'int', 'N'],
    ['outChannels', 'int', 'O'],
    ['groups', 'int', 'channel groups'],
    ['plane', 'int', 'P = OH · OW'],
    ['gradOutput', 'address', '[N, O, P]'],
    ['packed', 'address', '[N, groups, panels, P, 8]'],
    ['panelsPerGroup', 'int', 'ceil(O / groups / 8)'],
  ],
};

export const convBackwardWeight: TaskSignature = {
  name: 'ConvBackwardWeight',
  module: 'conv-backward-weight',
  tasks: ['convBackwardWeightTask', 'convBackwardWeightFinishTask'],
  description:
    'Weight gradient, transposed: gradWᵀ[K, O] = Σ_n columns_n · gradOut_nᵀ. Products: one chunk = (group, block of ' +
    "rows of K, range of images), summed into that range's accumulator. Finish: one chunk = (group, block of rows), " +
    'adding the ranges in order and writing gradW transposed.',
  arguments: [
    ...geometry,
    ['paddedHeight', 'int', 'height of the padded input'],
    ['paddedWidth', 'int', 'width of the padded input'],
    ['input', 'address', 'the padded input [N, C, padded H, padded W]'],
    ['packed', 'address', 'the output gradient packed by packGradOutputTask'],
    ['gradWeight', 'address', '[O, C / groups, KH, KW]'],
    ['accumulator', 'address', '[image ranges, groups, K, panels · 8]'],
    ...threadScratch,
    ['blockRows', 'int', 'rows of K per block'],
    ['imagesPerRange', 'int', 'images per range (the last may hold fewer)'],
    ['imageRanges', 'int', 'ranges of images, each with its own accumulator'],
  ],
};
