// Runs in Chromium (src/browser.test.ts): the browser-safe entry with a Lantern tensor on the cpu backend, in a page
// whose Content-Security-Policy forbids eval. Returns each event file, base64-encoded, for the test to decode.
import { registerCpuBackend } from '@lantern/backend-cpu';
import { manualSeed, randn } from '@lantern/tensor';
import { memorySink, SummaryWriter } from '@lantern/tensorboard';

await registerCpuBackend();

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

export function run(): { files: Array<{ path: string; base64: string }>; defaultRun: { logDir: string; base64: string } } {
  manualSeed(1);
  const sink = memorySink();
  const writer = new SummaryWriter('runs/in-the-browser', { sink });
  for (let step = 0; step < 3; step++) writer.addScalar('loss', 1 / (step + 1), step);
  writer.addHistogram('weights', randn([64]), 2);
  writer.addImages('noise', randn([2, 1, 4, 4]).sigmoid(), 2);
  writer.addScalars('pair', { a: 1, b: 2 }, 2);
  writer.close();
  // With no arguments at all: torch's default directory, in memory.
  const defaultWriter = new SummaryWriter();
  defaultWriter.addText('note', 'written in a browser', 1);
  return {
    files: sink.files().map(({ path, bytes }) => ({ path, base64: base64(bytes) })),
    defaultRun: { logDir: defaultWriter.logDir, base64: base64(defaultWriter.eventFileBytes()) },
  };
}
