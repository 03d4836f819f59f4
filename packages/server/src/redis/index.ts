export { type RedisClient, RedisResumeStore, type RedisResumeStoreOptions } from './redis-resume-store.ts';
