// After `npm run build`: the published entry points resolve from the repository root with plain Node
// (no source condition), every package has .js and .d.ts output, and the CLI runs through its npm bin.
// Then what npm would publish: the pack listing of each published package (dist, bin, README, LICENSE,
// CHANGELOG; never a test or a source file), publint (strict) and attw (ESM-only profile) on the tarball,
// and scripts/check-consumer.mjs type-checks a scratch project that installs the tarballs.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PUBLISHED = ['core', 'react', 'server', 'replay'];
const bin = (name) => join('node_modules', '.bin', name);

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
const aiSdk = await import('@partialkit/core/ai-sdk');
assert.equal(aiSdk.AI_SDK_HEADER, 'x-vercel-ai-ui-message-stream');
await import('@partialkit/core/standard-schema');
const server = await import('@partialkit/server');
assert.equal(typeof server.toResumableResponse, 'function');
const redis = await import('@partialkit/server/redis');
assert.equal(typeof redis.RedisResumeStore, 'function');
assert.equal(typeof server.toPartialResponse, 'function');
const node = await import('@partialkit/server/node');
assert.equal(typeof node.toNodeHandler, 'function');
const replay = await import('@partialkit/replay');
assert.equal(typeof replay.replay, 'function');
const replayNode = await import('@partialkit/replay/node');
assert.equal(typeof replayNode.createReplayServer, 'function');
const react = await import('@partialkit/react');
const inspector = await import('@partialkit/react/inspector');
assert.equal(typeof inspector.StreamInspector, 'function');
assert.equal(typeof react.usePartialObject, 'function');
const usage = execFileSync('node_modules/.bin/partialkit', ['help'], { encoding: 'utf8' });
assert.match(usage, /partialkit replay <fixture>/);
// A bad flag is refused at start: a message and exit code 1, never a server that dies on its first request.
try {
  execFileSync('node_modules/.bin/partialkit', ['replay', 'README.md', '--chunking', '0'], { stdio: 'pipe' });
  assert.fail('partialkit replay --chunking 0 started');
} catch (error) {
  assert.equal(error.status, 1);
  assert.equal(
    String(error.stderr),
    'chunking must be \'recorded\' or a whole number of bytes >= 1, got "0"\n'.replace(/^/, '--'),
  );
}
// A mistyped command is an error (exit 1), so a script that goes on after it does not.
try {
  execFileSync('node_modules/.bin/partialkit', ['replya', 'README.md'], { stdio: 'pipe' });
  assert.fail('partialkit replya exited 0');
} catch (error) {
  assert.equal(error.status, 1);
  assert.match(String(error.stderr), /unknown command "replya"/);
}
console.log(
  'dist: @partialkit/core (+ /providers, /ai-sdk, /standard-schema), @partialkit/react (+ /inspector), @partialkit/server (+ /node, /redis), @partialkit/replay (+ /node) and the partialkit bin load from the build',
);

// The pack listing: what `npm publish` would upload.
for (const pkg of PUBLISHED) {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '-w', `packages/${pkg}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  const files = packed.files.map((f) => f.path).sort();
  console.log(
    `pack ${packed.name}@${packed.version}: ${files.length} files, ${packed.size} bytes\n  ${files.join('\n  ')}`,
  );
  for (const file of files) {
    assert.doesNotMatch(
      file,
      /\.test(-d)?\.|(^|\/)(src|test|tests|__tests__|fixtures)\//,
      `${packed.name} packs ${file}`,
    );
    assert.match(
      file,
      /^(dist\/|bin\/|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$)/,
      `${packed.name} packs ${file}`,
    );
  }
  for (const needed of [
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'dist/index.js',
    'dist/index.d.ts',
  ])
    assert.ok(files.includes(needed), `${packed.name} does not pack ${needed}`);
  const manifest = JSON.parse(readFileSync(`packages/${pkg}/package.json`, 'utf8'));
  for (const target of Object.values(manifest.bin ?? {}))
    assert.ok(files.includes(target.replace(/^\.\//, '')), `${packed.name} does not pack its bin ${target}`);
  assert.equal(manifest.license, 'MIT');
  assert.match(
    readFileSync(`packages/${pkg}/LICENSE`, 'utf8'),
    /^MIT License\n\nCopyright \(c\) 2026 partialkit contributors\n/,
  );
  assert.ok(!manifest.dependencies?.zod, `${packed.name}: zod must be a peer dependency, not a dependency`);
}

// publint on each package, then attw on each tarball: both offline, on what npm packs.
const packs = mkdtempSync(join(tmpdir(), 'partialkit-packs-'));
try {
  for (const pkg of PUBLISHED) {
    const out = execFileSync(join('..', '..', bin('publint')), ['--strict', '--pack', 'npm'], {
      cwd: `packages/${pkg}`,
      encoding: 'utf8',
    });
    assert.match(out, /All good!/, `publint @partialkit/${pkg}:\n${out}`);
    console.log(`publint @partialkit/${pkg}: all good`);
  }
  for (const pkg of PUBLISHED)
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', packs, '-w', `packages/${pkg}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  const tarballs = readdirSync(packs).filter((f) => f.endsWith('.tgz'));
  assert.equal(tarballs.length, PUBLISHED.length);
  for (const tarball of tarballs) {
    // attw exits non-zero on any problem the ESM-only profile does not ignore.
    execFileSync(bin('attw'), [join(packs, tarball), '--profile', 'esm-only', '--format', 'table-flipped'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    console.log(`attw ${tarball} (esm-only): no problems`);
  }
  execFileSync(process.execPath, ['scripts/check-consumer.mjs', packs], { stdio: 'inherit' });
} finally {
  rmSync(packs, { recursive: true, force: true });
}
