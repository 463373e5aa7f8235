// The browser page's script: bundle it with any bundler that follows package.json's `module`/`browser` fields
// (esbuild, Vite, webpack); tfjs-core's ESM build is what the bundler includes. For example:
//   npx esbuild examples/browser/main.mjs --bundle --format=iife --outfile=examples/browser/bundle.js
// then open examples/browser/index.html. For webgl or webgpu, import that tfjs backend's package here and pass its name.
import { trainSmallNet } from './train-small-net.mjs';

trainSmallNet('cpu').then(
  (result) => {
    document.body.setAttribute('data-result', JSON.stringify(result));
    document.body.textContent = `tfjs ${result.backend}: losses ${result.losses.map((loss) => loss.toFixed(4)).join(', ')}`;
  },
  (error) => document.body.setAttribute('data-error', String(error?.stack ?? error)),
);
