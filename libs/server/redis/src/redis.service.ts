import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '@one-api/server-config';

type MessageHandler = (message: string) => void;

/**
 * The process's Redis connections (ioredis) when REDIS_CONN_STRING is set. Commands never wait for a Redis that is
 * down (no offline queue, one try): callers treat a failure as "Redis unavailable" and fall back to memory, so the
 * gateway keeps serving while Redis is away and reconnects by itself.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly enabled: boolean;
  /** Identifies this process in pub/sub messages, so it ignores its own. */
  readonly instanceId = randomUUID();
  readonly keyPrefix: string;
  private client?: Redis;
  private subscriber?: Redis;
  private readonly handlers = new Map<string, Set<MessageHandler>>();
  private readonly reconnectListeners: Array<() => void> = [];
  private wasLost = false;
  private lastErrorLog = 0;

  constructor(private readonly config: AppConfig) {
    this.enabled = !!config.redisConnString;
    this.keyPrefix = config.redisKeyPrefix;
    if (!this.enabled) return;
    this.client = this.connect('commands', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.client.on('ready', () => {
      if (this.wasLost) {
        this.wasLost = false;
        this.logger.log('Redis is back');
        for (const listener of this.reconnectListeners) listener();
      }
    });
    this.client.on('close', () => (this.wasLost = true));
    // Subscriptions are queued while disconnected and restored by ioredis after a reconnect.
    this.subscriber = this.connect('subscriber', { maxRetriesPerRequest: null });
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const handler of this.handlers.get(channel) ?? []) handler(message);
    });
  }

  /** ioredis options for another connection to the same server (BullMQ makes its own). */
  connectionOptions(extra: RedisOptions = {}): RedisOptions {
    const url = new URL(this.config.redisConnString);
    const db = url.pathname.length > 1 ? Number.parseInt(url.pathname.slice(1), 10) : 0;
    return {
      host: url.hostname || '127.0.0.1',
      port: url.port ? Number(url.port) : 6379,
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : this.config.redisPassword || undefined,
      db: Number.isFinite(db) ? db : 0,
      tls: url.protocol === 'rediss:' ? {} : undefined,
      connectTimeout: 3000,
      retryStrategy: (times: number) => Math.min(100 * times, 1000),
      ...extra,
    };
  }

  private connect(role: string, extra: RedisOptions): Redis {
    const redis = new Redis(this.connectionOptions({ lazyConnect: true, ...extra }));
    redis.on('error', (error: Error) => {
      const now = Date.now();
      if (now - this.lastErrorLog > 10_000) {
        this.lastErrorLog = now;
        this.logger.warn(`Redis ${role} connection: ${error.message}`);
      }
    });
    return redis;
  }

  async onModuleInit(): Promise<void> {
    if (!this.client || !this.subscriber) return;
    this.subscriber.connect().catch(() => undefined);
    // Wait a little for the first connection so the first requests use Redis; never block boot for long.
    await Promise.race([
      this.client.connect().catch((e: Error) => this.logger.warn(`Redis not reachable yet: ${e.message}`)),
      new Promise((r) => setTimeout(r, 3000).unref()),
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const redis of [this.client, this.subscriber]) {
      if (!redis) continue;
      try {
        if (redis.status === 'ready') await redis.quit();
        else redis.disconnect();
      } catch {
        redis.disconnect();
      }
    }
  }

  /** True when commands can be sent right now. */
  get available(): boolean {
    return this.client?.status === 'ready';
  }

  /** The command connection, when Redis is configured and connected. */
  get commands(): Redis | undefined {
    return this.available ? this.client : undefined;
  }

  key(name: string): string {
    return `${this.keyPrefix}${name}`;
  }

  /** Runs `fn` against Redis; undefined when Redis is not configured, down, or the command failed. */
  async attempt<T>(fn: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    const redis = this.commands;
    if (!redis) return undefined;
    try {
      return await fn(redis);
    } catch (error) {
      const now = Date.now();
      if (now - this.lastErrorLog > 10_000) {
        this.lastErrorLog = now;
        this.logger.warn(`Redis command failed, using memory: ${(error as Error).message}`);
      }
      return undefined;
    }
  }

  /** Publishes to every replica (this one included); silently dropped while Redis is down. */
  publish(channel: string, message: string): void {
    void this.attempt((r) => r.publish(this.key(channel), message));
  }

  subscribe(channel: string, handler: MessageHandler): () => void {
    const full = this.key(channel);
    let set = this.handlers.get(full);
    if (!set) {
      this.handlers.set(full, (set = new Set()));
      this.subscriber?.subscribe(full).catch(() => undefined);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Called each time Redis comes back after being lost (caches may have missed messages meanwhile). */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }
}
