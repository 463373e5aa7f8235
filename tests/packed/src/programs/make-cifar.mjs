// Writes a synthetic CIFAR-10 (official layout and sizes) with the installed @lantern/data, into the folder given.
import { writeSyntheticCIFAR10 } from '@lantern/data/node';

if (typeof writeSyntheticCIFAR10 !== 'function') {
  throw new Error('@lantern/data/node (installed from its tarball) exports no writeSyntheticCIFAR10');
}
const written = await writeSyntheticCIFAR10(process.argv[2], { seed: 0 });
console.log(JSON.stringify(written));
