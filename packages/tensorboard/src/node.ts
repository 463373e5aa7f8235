/**
 * @lantern/tensorboard/node: everything the browser-safe entry exports, with a SummaryWriter that writes event files
 * to disk (`runs/<date>_<host>` by default, as torch's), and the file sink itself.
 */
export * from './index.js';
export { fileSink } from './node/file-sink.js';
// This SummaryWriter takes the place of the main entry's one (an explicit export wins over `export *`).
export { SummaryWriter } from './node/writer.js';
