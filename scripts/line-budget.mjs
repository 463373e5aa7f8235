// Lint step: source files stay under the style guide's ~300-line budget (tests and generated files aside).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const limit = 300;
const root = process.argv[2] ?? 'src';
const offenders = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(ts|mjs|js)$/.test(name) && !/\.(test|gen)\./.test(name)) {
      // Lines as editors and `wc -l` count them: a final newline ends the last line rather than starting another.
      const lines = readFileSync(path, 'utf8').replace(/\n$/, '').split('\n').length;
      if (lines >= limit) offenders.push(`${path}: ${lines} lines`);
    }
  }
}
walk(root);
if (offenders.length > 0) {
  console.error(`Files of ${limit} lines or more (the budget is under ${limit}):\n${offenders.join('\n')}`);
  process.exit(1);
}
