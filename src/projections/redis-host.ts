import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { Redis } from "ioredis";
import { createLiveEvents, type LiveEvents } from "../app/live.ts";
import type { HostOptions, ProjectionHost } from "./host.ts";
import type { Applied } from "./projector.ts";
import { queueScheduler } from "./queue.ts";

// The Redis side of the projections' hosting: live events through Redis
// pub/sub, wake-ups through BullMQ. A module apart, loaded only where Redis
// is configured.

const isChange = (detail: unknown): detail is Applied => typeof detail === "object" && detail !== null && "event" in detail;

/**
 * What a live event is on the wire. A change goes without its matrix: tens
 * of kilobytes that each applied event carried to Redis, twice, whether
 * anyone listened or not (npm run bench: two fifths of the worker's CPU under
 * addFactor load); its subscribers read it again (Queries.matrixAfter). Its
 * event's time arrives as a string, and leaves as a Date again.
 */
export const wire = {
  stringify: (detail: unknown): string => JSON.stringify(isChange(detail) ? { ...detail, matrix: undefined } : detail),
  parse(text: string): unknown {
    const detail: unknown = JSON.parse(text);
    return isChange(detail) ? { ...detail, event: { ...detail.event, occurredAt: new Date(detail.event.occurredAt) } } : detail;
  },
};

/** Live events carried by Redis pub/sub, so that every API process hears what any worker applied. */
export function redisLiveEvents(
  redisUrl: string,
  onError: (error: unknown) => void = () => undefined,
): { live: LiveEvents; ping(): Promise<boolean>; flushed(): Promise<void>; close(): Promise<void> } {
  // A batch's changes are published in one loop: auto-pipelining sends them
  // in one write rather than one system call each.
  const publishClient = new Redis(redisUrl, { enableAutoPipelining: true });
  const subscribeClient = new Redis(redisUrl);
  // ioredis reconnects by itself; its 'error' events during an outage are for the log, not crashes.
  for (const client of [publishClient, subscribeClient]) client.on("error", onError);
  // The event target fires SUBSCRIBE, UNSUBSCRIBE and PUBLISH without
  // awaiting them: a Redis outage long enough for ioredis to give up, or a
  // subscriber leaving as the process shuts down, would reject them
  // unhandled and bring the whole process down. A notification lost that
  // way is lost; the read models are not.
  const lost = (error: unknown) => {
    onError(error);
    return 0;
  };
  const subscribe = subscribeClient.subscribe.bind(subscribeClient);
  const unsubscribe = subscribeClient.unsubscribe.bind(subscribeClient);
  const publish = publishClient.publish.bind(publishClient);
  subscribeClient.subscribe = ((...args: Parameters<typeof subscribe>) => subscribe(...args).catch(lost)) as typeof subscribe;
  subscribeClient.unsubscribe = ((...args: Parameters<typeof unsubscribe>) => unsubscribe(...args).catch(lost)) as typeof unsubscribe;
  publishClient.publish = ((...args: Parameters<typeof publish>) => publish(...args).catch(lost)) as typeof publish;
  return {
    live: createLiveEvents(createRedisEventTarget({ publishClient, subscribeClient, serializer: wire }) as never),
    ping: async () => (await publishClient.ping()) === "PONG",
    // Commands on one connection are answered in order: once a PING sent
    // after the PUBLISHes is answered, Redis has taken them all. Bounded, so
    // that an outage delays the projector by a second, not forever.
    flushed: () =>
      Promise.race([publishClient.ping().then(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]).catch(() => undefined),
    // QUIT, not a disconnect: subscribers that just went away are still
    // unsubscribing, and a dropped connection would reject those commands.
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

/** An API process's projections when BullMQ workers run them: wake-up jobs out, live events in, both through Redis. */
export function hostOnRedis(redisUrl: string, options: Pick<HostOptions, "queuePrefix" | "onError" | "onRedisError">): ProjectionHost {
  const redis = redisLiveEvents(redisUrl, options.onRedisError);
  const scheduler = queueScheduler(redisUrl, options.queuePrefix ?? "pilotis", options.onError, options.onRedisError);
  return {
    live: redis.live,
    runner: null,
    wake: scheduler.wake,
    checks: { redis: redis.ping },
    async stop() {
      await scheduler.stop();
      await redis.close();
    },
  };
}
