import { AccessError, canSeeMatrix, requireAdmin, requirePrincipal, type Principal } from "../auth/principal.ts";
import type { Collectivity, CollectivityCommand } from "../domain/collectivity.ts";
import { badInput } from "../domain/errors.ts";
import type { RecordedEvent } from "../domain/events.ts";
import type { Matrix, MatrixCommand } from "../domain/matrix.ts";
import type { CollectivityKind } from "../domain/types.ts";
import { parsePosition } from "../eventstore/position.ts";
import type { EventStore } from "../eventstore/store.ts";
import { StaleError } from "./errors.ts";
import type { Loaded, Repository } from "./repository.ts";

export interface Page<T> {
  items: { cursor: string; node: T }[];
  hasNextPage: boolean;
  totalCount: number;
}

export interface QueryLimits {
  maxPageSize: number;
  staleTimeoutMs: number;
}

export interface MatrixAt {
  asOf?: Date | null;
  atVersion?: number | null;
  minPosition?: string | null;
}

/**
 * Reads by folding streams. Every read needs a token; a matrix never
 * published is seen only by those who may edit it.
 */
export class QueryService {
  constructor(
    private readonly store: EventStore,
    private readonly collectivities: Repository<Collectivity, CollectivityCommand>,
    private readonly matrices: Repository<Matrix, MatrixCommand>,
    private readonly limits: QueryLimits,
  ) {}

  pageSize(first: number | null | undefined, field = "first"): number {
    if (first == null) return Math.min(20, this.limits.maxPageSize);
    if (!Number.isInteger(first) || first < 1 || first > this.limits.maxPageSize) {
      throw badInput(field, `${field} must be from 1 to ${this.limits.maxPageSize}`);
    }
    return first;
  }

  async collectivity(id: string, principal: Principal | null): Promise<Collectivity | null> {
    requirePrincipal(principal);
    return (await this.collectivities.load(id)).state;
  }

  async collectivityPage(
    args: { kind?: CollectivityKind | null; first?: number | null; after?: string | null },
    principal: Principal | null,
  ): Promise<Page<Collectivity>> {
    requirePrincipal(principal);
    const size = this.pageSize(args.first);
    const streams = await this.store.listStreams({ streamType: "collectivity", limit: 1_000_000 });
    const all = await Promise.all(streams.map((s) => this.collectivities.load(s.stream_id.slice("collectivity-".length))));
    const matching = all
      .map((l) => l.state)
      .filter((c): c is Collectivity => c !== null && (args.kind == null || c.kind === args.kind))
      .sort((a, b) => a.name.localeCompare(b.name, "fr") || a.id.localeCompare(b.id));
    const start = args.after ? matching.findIndex((c) => c.id === args.after) + 1 : 0;
    if (args.after && start === 0) throw badInput("after", "after is not a cursor of this list");
    const slice = matching.slice(start, start + size);
    return {
      items: slice.map((c) => ({ cursor: c.id, node: c })),
      hasNextPage: start + size < matching.length,
      totalCount: matching.length,
    };
  }

  async matricesOf(collectivityId: string, principal: Principal | null): Promise<Matrix[]> {
    const who = requirePrincipal(principal);
    const streams = await this.store.listStreams({ streamType: "matrix", ownerId: collectivityId, limit: 10_000 });
    const loaded = await Promise.all(streams.map((s) => this.matrices.load(s.stream_id.slice("matrix-".length))));
    return loaded
      .map((l) => l.state)
      .filter((m): m is Matrix => m !== null && canSeeMatrix(who, m))
      .sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  }

  async matrix(id: string, at: MatrixAt, principal: Principal | null): Promise<Matrix | null> {
    const who = requirePrincipal(principal);
    if (at.asOf != null && at.atVersion != null) throw badInput("atVersion", "give asOf or atVersion, not both");
    if (at.atVersion != null && (!Number.isInteger(at.atVersion) || at.atVersion < 1)) {
      throw badInput("atVersion", "atVersion must be a positive integer");
    }
    if (at.minPosition != null) await this.waitFor(at.minPosition);
    const current = await this.matrices.load(id);
    if (!current.state || !canSeeMatrix(who, current.state)) return null;
    if (at.asOf == null && at.atVersion == null) return current.state;
    const past: Loaded<Matrix> = await this.matrices.loadAt(id, {
      toVersion: at.atVersion ?? undefined,
      until: at.asOf ?? undefined,
    });
    return past.state;
  }

  /** Read-your-writes: waits, bounded, until the log a reader sees has reached the position. */
  private async waitFor(minPosition: string): Promise<void> {
    parsePosition(minPosition, "minPosition");
    const deadline = Date.now() + this.limits.staleTimeoutMs;
    for (;;) {
      const head = await this.store.headPosition();
      if (head !== null && head >= minPosition) return;
      if (Date.now() >= deadline) throw new StaleError(minPosition, head);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * A page of events. The whole log is for admins; one stream's events are
   * for whoever may see that stream.
   */
  async events(
    args: { streamId?: string | null; after?: string | null; first?: number | null },
    principal: Principal | null,
  ): Promise<Page<RecordedEvent>> {
    const who = requirePrincipal(principal);
    const size = this.pageSize(args.first);
    if (args.streamId == null) requireAdmin(who);
    else await this.requireStreamVisible(args.streamId, who);
    const rows = await this.store.readLog({ after: args.after, limit: size + 1, streamId: args.streamId });
    const slice = rows.slice(0, size);
    return { items: slice.map((e) => ({ cursor: e.position, node: e })), hasNextPage: rows.length > size, totalCount: slice.length };
  }

  private async requireStreamVisible(streamId: string, who: Principal): Promise<void> {
    if (!streamId.startsWith("matrix-")) return;
    const matrix = await this.matrices.load(streamId.slice("matrix-".length));
    if (matrix.state && !canSeeMatrix(who, matrix.state)) {
      throw new AccessError("FORBIDDEN", "this token may not read this matrix's events");
    }
  }
}
