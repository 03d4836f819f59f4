/**
 * A 1 000-participant extraction framed as an OpenAI Chat Completions stream (as the recordings are),
 * made on demand: 80 KB of JSON in 24–64 character pieces.
 */
let cached: string | undefined;

export function thousandParticipants(): string {
  if (cached) return cached;
  const users = Array.from({ length: 1000 }, (_, i) => ({
    name: `Participant ${i + 1}`,
    email: `participant.${i + 1}@example.com`,
    twitter: `@p${i + 1}`,
  }));
  const json = JSON.stringify({
    users,
    date: '2024-03-15',
    location: 'Grand Tech Arena',
    budget: 50000,
    deadline: '2024-02-20',
  });
  const frame = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-thousand', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  let out = frame({ role: 'assistant', content: '' });
  for (let i = 0, n = 0; i < json.length; i += n) {
    n = 24 + ((i * 7) % 41);
    out += frame({ content: json.slice(i, i + n) });
  }
  cached = `${out}${frame({}, 'stop')}data: [DONE]\n\n`;
  return cached;
}
