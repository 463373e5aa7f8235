// Scalar autograd, micrograd's README example in Lantern.
import { registerCpuBackend } from '@lantern/backend-cpu';
import { tensor } from '@lantern/tensor';

await registerCpuBackend();

const a = tensor(-4.0, { requiresGrad: true });
const b = tensor(2.0, { requiresGrad: true });
let c = a.add(b);
let d = a.mul(b).add(b.pow(3));
c = c.add(c.add(1));
c = c.add(c.add(1).add(a.neg()));
d = d.add(d.mul(2).add(b.add(a).relu()));
d = d.add(d.mul(3).add(b.sub(a).relu()));
const e = c.sub(d);
const f = e.pow(2);
let g = f.div(2.0);
g = g.add(f.reciprocal().mul(10.0));
g.backward();

console.log(`g = ${g.item().toFixed(4)}, dg/da = ${a.grad.item().toFixed(4)}, dg/db = ${b.grad.item().toFixed(4)}`);
// g = 24.7041, dg/da = 138.8338, dg/db = 645.5773
export const result = { g: g.item(), gradA: a.grad.item(), gradB: b.grad.item() };
