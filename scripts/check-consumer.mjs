// A scratch project that installs the packed tarballs (argument: the folder holding them) and type-checks
// strict TypeScript that imports every entry, as a user's project would: without @types/node for the
// browser and fetch-runtime entries (under `bundler` and `nodenext` resolution), with it for the Node ones.
//
// Installing: each tarball is unpacked into node_modules/@partialkit/<name> (what `npm install <tgz>` does),
// and each dependency and peer the packed manifests declare, plus the consumer's own @types/react and
// TypeScript's @types/node, is linked from the repository's node_modules. Nothing is fetched, so this
// runs offline whatever the npm cache holds, and an undeclared dependency still fails: only what the
// manifests name is linked.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const packs = resolve(process.argv[2] ?? assert.fail('usage: check-consumer.mjs <folder of tarballs>'));
const repoModules = resolve('node_modules');
const scratch = mkdtempSync(join(tmpdir(), 'partialkit-consumer-'));
const modules = join(scratch, 'node_modules');

const link = (name) => {
  const target = join(modules, name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(repoModules, name), target, 'dir');
};

try {
  const wanted = new Set(['@types/react']);
  const ours = new Set();
  for (const tarball of readdirSync(packs).filter((f) => f.endsWith('.tgz'))) {
    const unpacked = join(scratch, 'unpack', tarball);
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', join(packs, tarball), '-C', unpacked]);
    const manifest = JSON.parse(readFileSync(join(unpacked, 'package', 'package.json'), 'utf8'));
    const target = join(modules, manifest.name);
    mkdirSync(dirname(target), { recursive: true });
    execFileSync('mv', [join(unpacked, 'package'), target]);
    ours.add(manifest.name);
    const optional = manifest.peerDependenciesMeta ?? {};
    for (const name of Object.keys(manifest.dependencies ?? {})) wanted.add(name);
    for (const name of Object.keys(manifest.peerDependencies ?? {}))
      if (!optional[name]?.optional) wanted.add(name);
  }
  for (const name of wanted) if (!ours.has(name)) link(name);
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );

  writeFileSync(
    join(scratch, 'app.tsx'),
    `import { createPartialParser, decode, PartialKitError, PartialObjectStore, streamPartial } from '@partialkit/core';
import { decodeObjects } from '@partialkit/core/providers';
import { AI_SDK_HEADER } from '@partialkit/core/ai-sdk';
import '@partialkit/core/standard-schema';
import { PartialList, PartialText, usePartialItems, usePartialObject } from '@partialkit/react';
import { StreamRecorder } from '@partialkit/react/inspector';
import {
  jsonSchemaFor,
  MemoryResumeStore,
  openaiResponseFormat,
  toPartialResponse,
  toResumableResponse,
} from '@partialkit/server';
import { RedisResumeStore } from '@partialkit/server/redis';
import { parseRecording, RecordingError, replay, replayResponse } from '@partialkit/replay';
import * as z from 'zod';

const Talk = z.object({ title: z.string(), minutes: z.number(), tags: z.array(z.string()) });

const parser = createPartialParser({ schema: Talk });
parser.write('{"title": "Streaming JS');
const title: string | undefined = parser.value?.title;
const final: { title: string; minutes: number; tags: string[] } = parser.end();

export async function latest(response: Response): Promise<number | undefined> {
  let minutes: number | undefined;
  for await (const talk of streamPartial(Talk, response)) minutes = talk.minutes;
  for await (const event of decode(replayResponse('data: "1"\\n\\n', { speed: 0 })))
    if (event.type === 'text') minutes = Number(event.text);
  return minutes;
}

export async function POST(request: Request): Promise<Response> {
  const upstream = await fetch('https://api.example.invalid/v1/chat/completions', { signal: request.signal });
  return toPartialResponse(upstream, { signal: request.signal, heartbeatMs: 1000 });
}

export const schema = [jsonSchemaFor(Talk, 'openai'), openaiResponseFormat(Talk, { name: 'talk' })];
export const store = new PartialObjectStore({ schema: Talk, fetcher: '/api/talk' });
export const bytes: ReadableStream<Uint8Array> = replay(parseRecording('data: 1\\n\\n'), { chunking: 3 });
export const typed: boolean = new RecordingError('talk.rec.jsonl', 3, 'bad') instanceof PartialKitError;
export const readers: typeof decodeObjects = decodeObjects;
export const header: string = AI_SDK_HEADER;
export const recorder = new StreamRecorder();
export const resumeStore = new MemoryResumeStore({ ttlMs: 60_000 });
export const redisStore: typeof RedisResumeStore = RedisResumeStore;
async function* talkText() {
  yield '{"title": "x"}';
}
export const resumable: Promise<Response> = toResumableResponse(() => talkText(), {
  store: resumeStore,
});
export function Talks() {
  const { items, current } = usePartialItems(Talk, '/api/talks');
  return <PartialList items={items} current={current} render={(t) => <b>{t.title}</b>} />;
}

export function TalkView() {
  const { object, data, status, submit, isCompleteAt } = usePartialObject(Talk, '/api/talk');
  const minutes: number | undefined = data?.minutes;
  return (
    <section data-status={status} data-minutes={minutes} onClick={() => void submit({ topic: 'json' })}>
      <PartialText value={object?.title} complete={isCompleteAt(['title'])} />
      <PartialList items={object?.tags} render={(tag) => <i>{tag}</i>} />
    </section>
  );
}
export { final, title };
`,
  );
  writeFileSync(
    join(scratch, 'server.ts'),
    `import { createServer } from 'node:http';
import { toPartialResponse } from '@partialkit/server';
import { sendNodeResponse, toNodeHandler } from '@partialkit/server/node';
import { createReplayServer, loadRecording, record } from '@partialkit/replay/node';

export const server = createServer(toNodeHandler(async (request) => toPartialResponse(await fetch(request.url))));
export const replayServer = createReplayServer(await loadRecording('talk.rec.jsonl'), { speed: 0, chunking: 7 });
export const recorded: Response = record(new Response('x'), 'talk.rec.jsonl');
export const send: typeof sendNodeResponse = sendNodeResponse;
`,
  );
  const strict = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    noEmit: true,
    target: 'ES2022',
    jsx: 'react-jsx',
  };
  const configs = {
    'bundler, no @types/node': {
      ...strict,
      module: 'preserve',
      moduleResolution: 'bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      types: [],
      files: ['app.tsx'],
    },
    'nodenext, no @types/node': {
      ...strict,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      types: [],
      files: ['app.tsx'],
    },
    'nodenext, @types/node (the /node entries)': {
      ...strict,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['ES2022'],
      types: ['node'],
      files: ['server.ts'],
    },
  };
  link('@types/node');
  const tsc = join(repoModules, 'typescript', 'bin', 'tsc');
  for (const [label, { files, ...compilerOptions }] of Object.entries(configs)) {
    const config = join(scratch, 'tsconfig.json');
    writeFileSync(config, JSON.stringify({ compilerOptions, files }));
    try {
      execFileSync(process.execPath, [tsc, '-p', config], { cwd: scratch, encoding: 'utf8' });
    } catch (error) {
      assert.fail(`the packed packages do not type-check (${label}):\n${error.stdout}${error.stderr}`);
    }
    console.log(`consumer: ${files.join(', ')} type-checks against the tarballs (${label}, strict)`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
