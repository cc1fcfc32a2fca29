import { isIP } from "node:net";
import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";

/**
 * Requests per caller and minute (rate-limiter-flexible). With Redis, every
 * API process counts in the same place and counts survive restarts; while
 * Redis is away, each process falls back to counting alone rather than
 * failing every request. Without Redis, each process counts its own.
 */
export class RateLimit {
  private readonly limiter: RateLimiterAbstract | null;
  private readonly redis: Redis | null;

  /** ioredis is loaded only when there is a Redis to count in (it costs every start 0.1 s). */
  static async create(options: { perMinute: number; redisUrl?: string; keyPrefix: string; onRedisError?: (error: unknown) => void }): Promise<RateLimit> {
    if (options.perMinute === 0 || !options.redisUrl) return new RateLimit(options.perMinute, options.keyPrefix, null);
    const { Redis } = await import("ioredis");
    const redis = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // An outage is answered by the in-memory fallback; an error event nobody listens to would crash the process.
    redis.on("error", options.onRedisError ?? (() => undefined));
    return new RateLimit(options.perMinute, options.keyPrefix, redis);
  }

  private constructor(points: number, keyPrefix: string, redis: Redis | null) {
    this.redis = redis;
    const memory = () => new RateLimiterMemory({ points, duration: 60 });
    this.limiter =
      points === 0
        ? null
        : this.redis
          ? new RateLimiterRedis({ storeClient: this.redis, keyPrefix: `${keyPrefix}:rate`, points, duration: 60, insuranceLimiter: memory() })
          : memory();
  }

  /** Counts one request for `key`; false when it is over the limit. */
  async take(key: string): Promise<boolean> {
    if (!this.limiter) return true;
    try {
      await this.limiter.consume(key);
      return true;
    } catch (refusal) {
      if (refusal instanceof Error) throw refusal;
      return false;
    }
  }

  close(): void {
    this.redis?.disconnect();
  }
}

const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");

/**
 * Who an anonymous request comes from: the socket's address, or, when that
 * socket is a trusted proxy, the nearest address in X-Forwarded-For that is
 * not one (anyone can write that header; only our proxies are believed).
 */
export function clientAddress(remoteAddress: string | undefined, forwardedFor: string | null, trustedProxies: readonly string[]): string {
  const peer = plain(remoteAddress ?? "unknown");
  const trusted = new Set(trustedProxies.map(plain));
  if (!trusted.has(peer) || !forwardedFor) return peer;
  const hops = forwardedFor
    .split(",")
    .map((hop) => plain(hop.trim()))
    .filter((hop) => isIP(hop) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) if (!trusted.has(hops[i]!)) return hops[i]!;
  return peer;
}
