/**
 * The demo's one call to OpenAI's chat completions API (or any compatible server at `OPENAI_BASE_URL`),
 * streamed with a strict JSON schema. Both live routes (extract, talks) go through it, so both answer the
 * same way when the call fails: a 502 that says why when the API cannot be reached, a 504 when it does
 * not answer in time, the API's own status and body when it refuses.
 */

export const liveModel = () => process.env.OPENAI_MODEL ?? 'gpt-4o-mini';

export interface ChatRequest {
  /** `response_format`, from `openaiResponseFormat`. */
  responseFormat: unknown;
  system: string;
  text: string;
  signal: AbortSignal;
}

/** The upstream's 200 response, or the response to send the browser instead. */
export type ChatResult = { ok: true; upstream: Response } | { ok: false; response: Response };

/** How long the model API may take to answer (its headers), in ms: `OPENAI_TIMEOUT_MS`, default 30 s. */
const answerTimeout = () => {
  const ms = Number(process.env.OPENAI_TIMEOUT_MS);
  // A timer past 2^31 - 1 ms (or below 1) fires at once: such a value is not a wait.
  return Number.isFinite(ms) && ms >= 1 && ms <= 2 ** 31 - 1 ? ms : 30_000;
};

export async function streamChat(key: string, request: ChatRequest): Promise<ChatResult> {
  const base = process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  // An API that takes the connection and never answers would hold the browser for fetch's own limit
  // (5 minutes); the timer ends once the headers came, so a long answer streams on.
  const waiting = new AbortController();
  const ms = answerTimeout();
  const timer = setTimeout(() => waiting.abort(), ms);
  let upstream: Response;
  try {
    upstream = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: liveModel(),
        stream: true,
        response_format: request.responseFormat,
        messages: [
          { role: 'system', content: request.system },
          { role: 'user', content: request.text },
        ],
      }),
      signal: AbortSignal.any([request.signal, waiting.signal]),
    });
  } catch (error) {
    if (request.signal.aborted) throw error;
    if (waiting.signal.aborted) {
      const message = `The model API did not answer within ${ms / 1000} s`;
      return { ok: false, response: Response.json({ error: { message } }, { status: 504 }) };
    }
    // DNS, a wrong OPENAI_BASE_URL, no network: say so, rather than a bare 500.
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    const message = `The model API is unreachable: ${reason}`;
    return { ok: false, response: Response.json({ error: { message } }, { status: 502 }) };
  } finally {
    clearTimeout(timer);
  }
  if (!upstream.ok) return { ok: false, response: await passError(upstream) };
  return { ok: true, upstream };
}

/** An upstream HTTP error reaches the browser as one (status and body), not as a 200 stream. */
export async function passError(upstream: Response): Promise<Response> {
  return new Response(await upstream.text(), {
    status: upstream.status,
    headers: { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' },
  });
}
