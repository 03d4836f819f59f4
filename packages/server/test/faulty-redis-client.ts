import type { RedisClient } from '../src/redis/redis-resume-store.ts';

/**
 * `client`, but the commands `fails` answers an error for are refused with it, never sent (a Redis over
 * its `maxmemory`, a connection that blips); the others reach Redis.
 */
export function faultyClient(
  client: RedisClient,
  fails: (args: readonly string[]) => Error | undefined,
): RedisClient {
  return {
    sendCommand: (args) => {
      const error = fails(args);
      return error ? Promise.reject(error) : client.sendCommand(args);
    },
    duplicate: () => client.duplicate(),
    connect: () => client.connect(),
    subscribe: (channel, listener) => client.subscribe(channel, listener),
    on: (event, listener) => client.on(event, listener),
  };
}
