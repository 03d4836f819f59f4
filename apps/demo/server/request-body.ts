/**
 * The requests the demo's routes accept: the JSON bodies of its POST routes (/api/extract, /api/talks), checked with zod before a
 * route reads them. A client's mistake (a body that is not JSON, not an object, or a field of the wrong
 * type or range) is answered `400 {"error": "<field> <what is wrong>"}`, never thrown as a 500.
 */
import * as z from 'zod';
import { SCENARIOS } from '../src/scenarios.ts';
import type { ExtractRequest } from './api.ts';
import type { TalksRequest } from './talks.ts';

/** The longest notes the demo takes, in characters: far above a meeting's, far below what would cost. */
export const MAX_TEXT = 100_000;
const text = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .max(MAX_TEXT, { error: `must be at most ${MAX_TEXT} characters` });
const SPEED = 'must be 0 (instant) or a number from 0.25 to 16';
/**
 * A replay pace `replayResponse` accepts, bounded: a pace of 1e-6 would keep a generation (and its
 * timer) running for days after its client left.
 */
const speed = z.number({ error: SPEED }).refine((n) => n === 0 || (n >= 0.25 && n <= 16), { error: SPEED });
const ids = SCENARIOS.map((s) => s.id);
const scenario = z.enum(ids, { error: `must be one of: ${ids.join(', ')}` });
const NOT_OBJECT = { error: 'must be a JSON object' };

/** The body of POST /api/extract. Fields it does not name are ignored, as before. */
export const ExtractBody = z.object(
  { text, speed: speed.exactOptional(), scenario: scenario.exactOptional() },
  NOT_OBJECT,
) satisfies z.ZodType<ExtractRequest>;

/** The body of POST /api/talks. */
export const TalksBody = z.object(
  { text, speed: speed.exactOptional() },
  NOT_OBJECT,
) satisfies z.ZodType<TalksRequest>;

/** A 405 that says which methods the route takes (RFC 9110). */
export function notAllowed(allow: string, message: string): Response {
  return new Response(message, { status: 405, headers: { allow } });
}

/** A 400 whose JSON body says what is wrong with the request. */
function badRequest(error: string): Response {
  return Response.json({ error }, { status: 400 });
}

/**
 * The request's body, parsed as JSON and checked against `schema`: the value, or the 400 to answer. Only
 * the parse and the check answer 400; a failed read (a body over the server's size limit, a client that
 * left) still rejects, so the Node adapter answers it as before (413, or nothing).
 */
export async function readJsonBody<T>(request: Request, schema: z.ZodType<T>): Promise<T | Response> {
  const raw = await request.text();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return badRequest('body is not valid JSON');
  }
  const checked = schema.safeParse(json);
  if (checked.success) return checked.data;
  const reasons = checked.error.issues.map((issue) =>
    [issue.path.length ? issue.path.join('.') : 'body', issue.message].join(' '),
  );
  return badRequest(reasons.join('; '));
}
