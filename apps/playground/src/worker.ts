/// <reference lib="webworker" />
import { probeCapabilities } from './backends.js';
import type { PageToWorker, WorkerToPage } from './protocol.js';
import { TrainingSession } from './session.js';

/**
 * The training worker: Lantern runs here, not on the page, so the page stays responsive and the wasm backend may
 * block in Atomics.wait, which it needs for its own worker threads (a page's main thread may not block).
 */
declare const self: DedicatedWorkerGlobalScope;

const post = (message: WorkerToPage, transfer: Transferable[] = []) => self.postMessage(message, transfer);
const session = new TrainingSession(post);

self.onmessage = (event: MessageEvent<PageToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'probe':
      void probeCapabilities().then(
        (capabilities) => post({ type: 'capabilities', capabilities }),
        (error: Error) =>
          post({
            type: 'problem',
            problem: {
              what: `Lantern could not start in this browser: ${error.message}.`,
              todo: 'Use a current Chrome, Edge, Firefox or Safari.',
            },
          }),
      );
      return;
    case 'load-files':
      void session.loadFiles(message.files);
      return;
    case 'load-url':
      void session.loadUrl(message.url);
      return;
    case 'start':
      void session.start(message.config);
      return;
    case 'pause':
      return session.pause();
    case 'resume':
      return session.resume();
    case 'stop':
      return session.stop();
    case 'evaluate':
      void session.evaluate(message.config);
      return;
    case 'save-weights':
      void session.saveWeights();
      return;
    case 'load-weights':
      void session.loadWeights(message.name, new Uint8Array(message.bytes), message.config);
      return;
    case 'save-events':
      return session.saveEvents();
  }
};

// An error that escapes every handler still reaches the page, which shows it instead of going quiet.
self.addEventListener('unhandledrejection', (event) => {
  const reason = event.reason as Error;
  post({
    type: 'problem',
    problem: { what: `Unexpected error in the training worker: ${reason?.message ?? reason}.`, todo: 'Reload the page.' },
  });
});
