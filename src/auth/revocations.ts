import type { Db } from "../db/client.ts";
import type { TokenAuthenticator } from "./tokens.ts";

// A revocation's timestamp is taken when its statement starts, and it may
// commit a little later than one stamped after it: each poll looks this far
// behind the last one and skips what it has already announced.
const LOOK_BACK_MS = 10_000;

/**
 * Tells this process, within about `intervalMs`, of every token revoked by
 * any process (another API replica, the command line): it evicts the token
 * from the authenticator's cache and ends that token's open subscriptions.
 * It asks the database, the one place every revocation is written, so it
 * needs no Redis and misses nothing while Redis is away.
 */
export class RevocationWatcher {
  private readonly listeners = new Set<(tokenId: string) => void>();
  private readonly announced = new Map<string, number>();
  private since: Date | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly authenticator: TokenAuthenticator,
    private readonly options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
  ) {}

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.poll()
        .catch((error) => this.options.onError?.(error))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs ?? 1000);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Calls `listener` with each revoked token's id; returns the function that stops listening. */
  onRevoked(listener: (tokenId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A revocation made in this process: effective here at once, without waiting for the next poll. */
  announce(tokenId: string): void {
    if (this.announced.has(tokenId)) return;
    this.announced.set(tokenId, Date.now());
    this.authenticator.evict(tokenId);
    for (const listener of [...this.listeners]) listener(tokenId);
  }

  async poll(): Promise<void> {
    const rows = await this.db.$queryRawUnsafe<{ id: string | null; now: Date }[]>(
      `SELECT t.id, now() AS now FROM (SELECT 1) AS one
       LEFT JOIN api_tokens t ON $1::timestamptz IS NOT NULL AND t.revoked_at > $1::timestamptz - $2 * interval '1 millisecond'`,
      this.since,
      LOOK_BACK_MS,
    );
    // The first poll only sets the starting point: tokens revoked before this
    // process started were never cached here.
    if (this.since) for (const row of rows) if (row.id) this.announce(row.id);
    this.since = rows[0]!.now;
    const forgetBefore = Date.now() - 3 * LOOK_BACK_MS;
    for (const [id, at] of this.announced) if (at < forgetBefore) this.announced.delete(id);
  }
}
