import { type ArgumentDeclaration, type TaskSignature, threadScratch } from './declaration.js';

// The Winograd kernels' tasks (assembly/winograd.ts, winograd-weight-gradient.ts). K is the product's input channels
// (depth), N its output channels (width); tiles are m×m output tiles over 8×8 windows of the channels-last input.

/** The tiling of the output and of the channels-last input, shared by the forward and the weight-gradient tasks. */
const tiling: readonly ArgumentDeclaration[] = [
  ['depth', 'int', 'K'],
  ['width', 'int', 'N'],
  ['outHeight', 'int', 'OH'],
  ['outWidth', 'int', 'OW'],
  ['tileRows', 'int', 'tile rows per image'],
  ['tileColumns', 'int', 'tile columns per image'],
  ['paddedHeight', 'int', 'PH, rows of the channels-last input per image'],
  ['paddedWidth', 'int', 'PW, columns of the channels-last input'],
  ['input', 'address', 'the channels-last input [B, PH, PW, K] (winogradInputTask)'],
];

export const winogradWeights: TaskSignature = {
  name: 'WinogradWeights',
  module: 'winograd',
  tasks: ['winogradWeightsTask'],
  description: 'Weights [.., r, r] → U[p][k][n] = (G·g·Gᵀ)[p]; one chunk = a run of k, lanes four consecutive n.',
  arguments: [
    ['weight', 'address', 'the filter for (n, k) starts at weight + n·strideN + k·strideK floats'],
    ['transformed', 'address', 'U, 64 points of [K, N] (pointStride apart)'],
    ['depth', 'int', 'K'],
    ['width', 'int', 'N'],
    ['strideN', 'int', 'floats from the filter of n to that of n + 1'],
    ['strideK', 'int', 'floats from the filter of k to that of k + 1'],
    ['flip', 'flag', 'read the taps mirrored (the input gradient)'],
    ...threadScratch,
    ['channelsPerChunk', 'int', 'k per chunk'],
    ['kernel', 'int', 'r, the kernel size (3 or 5)'],
  ],
};

export const winogradInput: TaskSignature = {
  name: 'WinogradInput',
  module: 'winograd',
  tasks: ['winogradInputTask'],
  description: 'NCHW [B, K, H, W] → zero-padded channels-last [B, PH, PW, K]; one chunk = a run of padded rows.',
  arguments: [
    ['source', 'address', '[B, K, H, W]'],
    ['destination', 'address', '[B, PH, PW, K]'],
    ['depth', 'int', 'K'],
    ['height', 'int', 'H'],
    ['width', 'int', 'W'],
    ['top', 'int', 'source row y lands on padded row y + top'],
    ['left', 'int', 'source column x lands on padded column x + left'],
    ['paddedHeight', 'int', 'PH'],
    ['paddedWidth', 'int', 'PW'],
    ['rowsPerChunk', 'int', 'padded rows per chunk'],
    ['rows', 'int', 'B · PH, the padded rows in all'],
  ],
};

export const winograd: TaskSignature = {
  name: 'Winograd',
  module: 'winograd',
  tasks: ['winogradTask'],
  description:
    'Winograd convolution; one chunk = (block of tiles, share of the N output channels): input transform, one GEMM per point, output transform.',
  arguments: [
    ...tiling,
    ['transformedWeights', 'address', 'U (winogradWeightsTask)'],
    ['bias', 'address', '[N], or 0 for none'],
    ['output', 'address', '[B, N, OH, OW]'],
    ...threadScratch,
    ['tilesPerBlock', 'int', 'tiles per chunk'],
    ['shareWidth', 'int', 'output channels per share (a multiple of 8)'],
    ['shares', 'int', 'shares the output channels are split into'],
    ['tiles', 'int', 'tiles in all (over images, tile rows and tile columns)'],
    ['tileSize', 'int', 'm: 4 for 5×5 kernels, 6 for 3×3'],
  ],
};

export const winogradGradientTiles: TaskSignature = {
  name: 'WinogradGradientTiles',
  module: 'winograd-weight-gradient',
  tasks: ['winogradGradientRoundTask'],
  description:
    'Weight gradient as Winograd transposed, S[p] = Σ_tiles Yᵀ·V, in rounds of tiles, pipelined: one dispatch runs the ' +
    'product of one round (chunks over runs of points, adding into S) beside the transform of the next (chunks over ' +
    'blocks of tiles, into the other of two buffers).',
  arguments: [
    ...tiling,
    ['gradOutput', 'address', 'the output gradient [B, N, OH, OW]'],
    ['accumulator', 'address', 'S [64 points][N][K], pointStride apart'],
    ...threadScratch,
    ['productChunks', 'int', 'chunks of the product (the first chunks); 0: no product in this dispatch'],
    ['productTiles', 'int', "tiles of the product's round"],
    ['accumulate', 'int', '0: the product overwrites S (the first round); 1: it adds to S'],
    ['pointsPerChunk', 'int', 'points per product chunk'],
    ['productInput', 'address', "V of the product's round"],
    ['productGradient', 'address', "Y of the product's round"],
    ['firstTile', 'int', "the transformed round's first tile"],
    ['transformTiles', 'int', 'tiles of the transformed round (0: none)'],
    ['tilesPerBlock', 'int', 'tiles per transform chunk'],
    ['transformInput', 'address', "where the transformed round's V goes"],
    ['transformGradient', 'address', "where the transformed round's Y goes"],
    ['vPointStride', 'address', 'bytes from one point of V to the next (point-major: a point holds every tile of a round)'],
    ['yPointStride', 'address', 'bytes from one point of Y to the next'],
    ['tileSize', 'int', 'm: 4 for 5×5 kernels, 6 for 3×3'],
  ],
};

export const winogradGradientFinish: TaskSignature = {
  name: 'WinogradGradientFinish',
  module: 'winograd-weight-gradient',
  tasks: ['winogradGradientFinishTask'],
  description: 'Writes dW[n, k] = Gᵀ·S·G; one chunk = a run of n.',
  arguments: [
    ['depth', 'int', 'K'],
    ['width', 'int', 'N'],
    ['accumulator', 'address', 'S'],
    ['gradWeight', 'address', '[N, K, r, r]'],
    ...threadScratch,
    ['widthPerChunk', 'int', 'n per chunk'],
    ['kernel', 'int', 'r, the kernel size (3 or 5)'],
  ],
};
