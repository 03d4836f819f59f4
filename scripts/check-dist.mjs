// After `npm run build`: the published entry points resolve from the repository root with plain Node
// (no source condition), every package has .js and .d.ts output, and the CLI runs through its npm bin.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

for (const pkg of ['core', 'react', 'server', 'replay']) {
  for (const file of ['index.js', 'index.d.ts']) {
    assert.ok(
      existsSync(`packages/${pkg}/dist/${file}`),
      `packages/${pkg}/dist/${file} is missing: run npm run build`,
    );
  }
}
// No `any` in public types: scan the declarations, comments aside.
for (const pkg of ['core', 'react', 'server', 'replay']) {
  const dir = `packages/${pkg}/dist`;
  const files = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.d.ts'));
  for (const file of files) {
    const code = readFileSync(`${dir}/${file}`, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(code, /\bany\b/, `${dir}/${file} exposes \`any\``);
  }
}
const core = await import('@partialkit/core');
const parser = core.createPartialParser();
parser.write('{"ok": [1, "two"');
assert.deepEqual(parser.value, { ok: [1, 'two'] });
const providers = await import('@partialkit/core/providers');
assert.equal(typeof providers.decodeObjects, 'function');
const server = await import('@partialkit/server');
assert.equal(typeof server.toPartialResponse, 'function');
const node = await import('@partialkit/server/node');
assert.equal(typeof node.toNodeHandler, 'function');
const replay = await import('@partialkit/replay');
assert.equal(typeof replay.replay, 'function');
const replayNode = await import('@partialkit/replay/node');
assert.equal(typeof replayNode.createReplayServer, 'function');
const react = await import('@partialkit/react');
assert.equal(typeof react.usePartialObject, 'function');
const usage = execFileSync('node_modules/.bin/partialkit', ['help'], { encoding: 'utf8' });
assert.match(usage, /partialkit replay <fixture>/);
console.log(
  'dist: @partialkit/core (+ /providers), @partialkit/react, @partialkit/server (+ /node), @partialkit/replay (+ /node) and the partialkit bin load from the build',
);
