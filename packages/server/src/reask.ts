import {
  createPartialParser,
  type DecodeOptions,
  type PartialIssue,
  PartialJSONError,
  type ProtocolEvent,
  ValidationError,
} from '@partialkit/core';
import type * as z4 from 'zod/v4/core';
import { type PartialSource, protocolEvents } from './response.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ReaskOptions<S extends z4.$ZodType> extends Omit<DecodeOptions, 'signal' | 'extractJson'> {
  schema: S;
  messages: readonly ChatMessage[];
  /** Calls the model with the conversation so far; returns its stream (a `Response`, SDK stream or text). */
  call: (
    messages: ChatMessage[],
    context: { signal: AbortSignal; attempt: number },
  ) => PartialSource | Promise<PartialSource>;
  /** Further attempts after the first (default 2), as instructor's `max_retries`. */
  maxRetries?: number;
  signal?: AbortSignal;
  /** Builds the message that asks for a correction (default: the issues, one per line). */
  feedback?: (failure: { issues: readonly PartialIssue[]; error: Error; text: string }) => string;
}

function defaultFeedback({ issues, error }: { issues: readonly PartialIssue[]; error: Error }): string {
  const lines = issues.length
    ? issues.map((i) => `- ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    : [`- ${error.message}`];
  return `Your previous answer was not valid:\n${lines.join('\n')}\nReply again with the corrected JSON only.`;
}

/**
 * Instructor's re-asking (`max_retries`) as a stream: streams an attempt; if the finished JSON does not
 * validate (or is not JSON), appends the model's answer and the validation errors to the conversation,
 * emits a `reset` event (the client clears its partial and shows the attempt number) and streams the
 * next attempt. Text that would make the JSON invalid is never forwarded. Pass the result to
 * `toPartialResponse`.
 */
export async function* reask<S extends z4.$ZodType>(options: ReaskOptions<S>): AsyncGenerator<ProtocolEvent> {
  const {
    schema,
    call,
    maxRetries = 2,
    signal,
    feedback = defaultFeedback,
    messages: initial,
    ...decode
  } = options;
  const messages = [...initial];
  const controller = new AbortController();
  const abort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) yield { type: 'reset', attempt };
      const parser = createPartialParser({ schema });
      const source = await call([...messages], { signal: controller.signal, attempt });
      let text = '';
      let failure: Error | undefined;
      for await (const event of protocolEvents(source, { ...decode, extractJson: true }, controller.signal)) {
        if (event.type !== 'text') {
          yield event;
          continue;
        }
        try {
          parser.write(event.text);
        } catch (error) {
          failure = error as Error;
          break;
        }
        text += event.text;
        yield event;
      }
      if (!failure) {
        try {
          parser.end();
          return;
        } catch (error) {
          if (!(error instanceof ValidationError || error instanceof PartialJSONError)) throw error;
          failure = error;
        }
      }
      if (attempt > maxRetries) throw failure;
      const issues = failure instanceof ValidationError ? failure.issues : [];
      messages.push(
        { role: 'assistant', content: text },
        { role: 'user', content: feedback({ issues, error: failure, text }) },
      );
    }
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}
