import { DecodeError } from '../errors.ts';
import { providerData, type SSEMessage, snippetOf } from './sse.ts';

/**
 * The fields of a provider event are the provider's claim, not a guarantee: a text field that is a
 * number or an object would reach the parser as "7" or "[object Object]", so it is a typed error naming
 * the event and the field.
 */
export function stringField(value: unknown, event: number, field: string): string | undefined {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return undefined;
  throw wrongType(value, event, field, 'a string');
}

/**
 * The JSON payload of a provider event, as an object (or undefined: `[DONE]`, empty data…). The payload
 * of an `event: error` is passed on unchecked: any text there is the error's message.
 */
export function eventPayload<T extends object>(event: SSEMessage): T | undefined {
  const data = providerData(event);
  return event.event === 'error' ? (data as T | undefined) : objectField<T>(data, event.number, 'the event');
}

/** A list field (`choices`, `parts`…): absent is empty; anything but an array is a {@link DecodeError}. */
export function listField(value: unknown, event: number, field: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (value === undefined || value === null) return [];
  throw wrongType(value, event, field, 'an array');
}

/** An object field: absent is undefined; anything but an object is a {@link DecodeError}. */
export function objectField<T extends object>(value: unknown, event: number, field: string): T | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as T;
  if (value === undefined || value === null) return undefined;
  throw wrongType(value, event, field, 'an object');
}

function wrongType(value: unknown, event: number, field: string, expected: string): DecodeError {
  const json = snippetOf(JSON.stringify(value) ?? String(value));
  const kind = Array.isArray(value)
    ? 'an array'
    : typeof value === 'object'
      ? 'an object'
      : `a ${typeof value}`;
  return new DecodeError(`Event ${event}: ${field} is ${kind} (${json}), expected ${expected}`, event, json);
}

/**
 * A field of a provider's error as text: a string as it is, a number (a code) as its digits, anything
 * else (an object, which may not even convert: `{"toString": 0}`) as absent. Unlike the fields above it
 * never throws: the error is what the reader must report, under the caller's fallback name if need be.
 */
export function errorText(value: unknown): string | undefined {
  if (typeof value === 'string') return value || undefined;
  return typeof value === 'number' ? String(value) : undefined;
}
