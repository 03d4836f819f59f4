/**
 * Shared test and benchmark helpers: chunkings, the every-split harness, fast-check arbitraries and
 * documents. Internal; never exported from a package entry.
 */

import {
  createPartialParser,
  type DecodeOptions,
  decodeText,
  type PartialParser,
  type StreamSource,
} from '@partialkit/core';
import fc from 'fast-check';

/** Splits `text` into pieces of `size` code units. */
export function chunksOf(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Splits `text` at the given (sorted or not) offsets. */
export function splitAt(text: string, points: readonly number[]): string[] {
  const cuts = [...new Set(points.map((p) => Math.max(0, Math.min(text.length, p))))].sort((a, b) => a - b);
  const out: string[] = [];
  let last = 0;
  for (const c of cuts) {
    out.push(text.slice(last, c));
    last = c;
  }
  out.push(text.slice(last));
  return out;
}

/** Every way to cut `text` in two, plus 1-unit chunks. */
export function everySplit(text: string): string[][] {
  const out: string[][] = [chunksOf(text, 1)];
  for (let i = 0; i <= text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

export interface Run {
  parser: PartialParser;
  snapshots: unknown[];
  final: unknown;
}

/** Feeds chunks, reading a snapshot after each, and ends the parser. */
export function feed(chunks: readonly string[], parser: PartialParser = createPartialParser()): Run {
  const snapshots: unknown[] = [];
  for (const chunk of chunks) {
    parser.write(chunk);
    snapshots.push(parser.value);
  }
  const final = parser.end();
  return { parser, snapshots, final };
}

/** Whether `next` extends `prev` in the sense of the parser's invariants (strings grow, containers gain). */
export function extendsValue(prev: unknown, next: unknown): boolean {
  if (prev === undefined) return true;
  if (typeof prev === 'string') return typeof next === 'string' && next.startsWith(prev);
  if (prev === null || typeof prev !== 'object') return Object.is(prev, next);
  if (next === null || typeof next !== 'object' || Array.isArray(prev) !== Array.isArray(next)) return false;
  if (Array.isArray(prev)) {
    const n = next as unknown[];
    if (n.length < prev.length) return false;
    return prev.every((v, i) =>
      i < prev.length - 1 ? v === n[i] || deepEqual(v, n[i]) : extendsValue(v, n[i]),
    );
  }
  const p = prev as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  return Object.keys(p).every((k) => Object.hasOwn(n, k) && extendsValue(p[k], n[k]));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k, i) => kb[i] === k && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

/** Deep structural snapshot, to check later that an old snapshot was never mutated. */
export function freezeCopy(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (Object.is(x, -0) ? '-0' : x));
}

/** fast-check: any JSON value (including -0, big exponents, unicode, `__proto__` keys). */
export const jsonValue = fc.jsonValue({ maxDepth: 5, depthSize: 'small' });

/** fast-check: a JSON value rendered compact or pretty. */
export const jsonText = fc
  .tuple(jsonValue, fc.constantFrom(undefined, 2, '\t', '\r\n  '))
  .map(([value, indent]) => JSON.stringify(value, null, indent as string | number | undefined))
  .filter((t) => t !== undefined);

/** fast-check: a text together with cut points. */
export const textWithCuts = jsonText.chain((text) =>
  fc.tuple(fc.constant(text), fc.array(fc.nat({ max: text.length }), { maxLength: 40 })),
);

/**
 * A realistic LLM-style JSON document of about `bytes` UTF-16 units: an extraction result with a list of
 * records, prose strings with escapes and unicode, numbers and enums.
 */
export function llmDocument(bytes: number, seed = 1): string {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const words = [
    'conference',
    'keynote',
    'stream',
    'partial',
    'schema',
    'Zürich',
    'naïve',
    'value',
    'talk',
    '"quoted"',
    'line\nbreak',
    '🎉',
    'identity',
    'parser',
  ];
  const sentence = (n: number) =>
    Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(' ');
  const doc = { title: sentence(6), summary: sentence(30), talks: [] as unknown[] };
  let i = 0;
  while (JSON.stringify(doc).length < bytes) {
    doc.talks.push({
      id: `talk-${i}`,
      title: sentence(5),
      speaker: { name: sentence(2), affiliation: sentence(3), email: `speaker${i}@example.org` },
      track: ['main', 'workshop', 'lightning'][i % 3],
      duration: 15 + ((i * 7) % 45),
      rating: Math.round(rand() * 500) / 100,
      tags: [sentence(1), sentence(1)],
      abstract: sentence(25),
      recorded: i % 2 === 0,
    });
    i++;
  }
  return JSON.stringify(doc, null, 2);
}

/** Decodes a whole source: the deltas and text received, and the error it ended with (if any). */
export async function decodeSettled(
  source: StreamSource,
  options: DecodeOptions = {},
): Promise<{ text: string; deltas: string[]; error?: unknown }> {
  const deltas: string[] = [];
  try {
    for await (const t of decodeText(source, options)) deltas.push(t);
  } catch (error) {
    return { text: deltas.join(''), deltas, error };
  }
  return { text: deltas.join(''), deltas };
}

/** Chunks as a network delivers them: one per macrotask, so consumers see each arrive on its own. */
export async function* paced<T>(chunks: Iterable<T>): AsyncGenerator<T> {
  for (const chunk of chunks) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    yield chunk;
  }
}
