#!/usr/bin/env node
// Fails when a published package changed since its last release without a pending changeset naming it.
// "Since its last release" = since the last commit that touched the package's CHANGELOG.md, which `changeset version`
// rewrites together with the version: everything after it is unreleased and must be described by a changeset.
// Only what users receive counts: sources (tests and fixtures aside), package.json, README, LICENSE, build config.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const shipped = (file) =>
  /\/(src|assembly)\//.test(file)
    ? !/\.test\.ts$|__fixtures__|test-helpers|\/testing\//.test(file)
    : /\/(package\.json|README\.md|LICENSE|tsup\.config\.ts)$/.test(file);

// What a user of the package receives from its manifest: everything but the fields that only serve the workspace.
const userFacing = (text) => {
  const { devDependencies, scripts, ...rest } = JSON.parse(text);
  return JSON.stringify(rest);
};
const manifestChanged = (release, file) => {
  const before = execFileSync('git', ['show', `${release}:${file}`], { encoding: 'utf8' });
  return userFacing(before) !== userFacing(readFileSync(file, 'utf8'));
};

const pending = new Set();
for (const file of readdirSync('.changeset').filter((name) => name.endsWith('.md') && name !== 'README.md')) {
  const front = readFileSync(join('.changeset', file), 'utf8').match(/^---\n([\s\S]*?)\n---/);
  for (const match of front?.[1].matchAll(/^\s*["']?([^"':]+)["']?\s*:/gm) ?? []) pending.add(match[1]);
}

const problems = [];
for (const root of ['packages', 'apps']) {
  for (const directory of readdirSync(root).map((name) => `${root}/${name}`)) {
    if (!existsSync(`${directory}/package.json`)) continue;
    const manifest = JSON.parse(readFileSync(`${directory}/package.json`, 'utf8'));
    if (manifest.private) continue;
    const release = git('log', '-1', '--format=%H', '--', `${directory}/CHANGELOG.md`);
    if (!release) {
      if (!pending.has(manifest.name))
        problems.push(`${manifest.name}: never versioned (no CHANGELOG.md) and no changeset describes its first release`);
      continue;
    }
    // Committed and uncommitted changes alike, so a contributor sees the failure before pushing.
    const changed = git('diff', '--name-only', release, '--', directory)
      .split('\n')
      .filter((file) => file && shipped(file))
      .filter((file) => !file.endsWith('/package.json') || manifestChanged(release, file));
    if (changed.length && !pending.has(manifest.name)) {
      problems.push(
        `${manifest.name}: changed since its version commit ${release.slice(0, 7)} (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''}) with no changeset`,
      );
    }
  }
}
if (problems.length) {
  console.error(`Changes to published packages need a changeset (run \`pnpm changeset\`):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('changesets: every changed published package has one');
