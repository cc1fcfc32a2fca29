import { LRUCache } from "lru-cache";
import { canEdit, canSeeMatrix, type Principal, requireAdmin, requirePrincipal } from "../auth/principal.ts";
import type { Db } from "../db/client.ts";
import type { Collectivity, CollectivityCommand, Merger } from "../domain/collectivity.ts";
import { badInput } from "../domain/errors.ts";
import type { RecordedEvent } from "../domain/events.ts";
import type { Matrix, MatrixCommand } from "../domain/matrix.ts";
import { matrixIdOf } from "../domain/streams.ts";
import type { CollectivityKind, StrategyStatus } from "../domain/types.ts";
import { parsePosition } from "../eventstore/position.ts";
import type { EventStore } from "../eventstore/store.ts";
import type { CollectivityDirectory, DecisionEntry } from "../generated/prisma/client.ts";
import { matrixViews } from "../projections/matrix-views.ts";
import type { ProjectionStatus } from "../projections/runner.ts";
import { CheckpointWatcher } from "./checkpoint-watcher.ts";
import type { Repository } from "./repository.ts";

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

/** A collectivity as the directory read model lists it. */
export interface CollectivityListing extends Collectivity {
  matrixCount: number | null;
  factorCount: number | null;
  strategiesByStatus: Partial<Record<StrategyStatus, number>> | null;
}

const fromDirectory = (row: CollectivityDirectory): CollectivityListing => ({
  id: row.collectivityId,
  name: row.name,
  kind: row.kind as CollectivityKind,
  officialCode: row.officialCode,
  population: row.population,
  financialPotentialPerCapita: row.financialPotentialPerCapita,
  regionCode: row.regionCode,
  inseeCode: row.inseeCode,
  departementCode: row.departementCode,
  epciCode: row.epciCode,
  mergedInto: row.mergedInto as Merger | null,
  version: row.version,
  registeredAt: row.registeredAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  matrixCount: row.matrixCount,
  factorCount: row.factorCount,
  strategiesByStatus: row.strategiesByStatus as CollectivityListing["strategiesByStatus"],
});

/** Reads what a PUBLIC matrix shows to anyone: its collectivity's profile. */
const ANONYMOUS_READER: Principal = { tokenId: "", role: "OBSERVER", collectivityId: null, subject: "anonymous" };

/** An opaque cursor over a list's sort keys; one that is not of this list is refused as bad input. */
const encodeCursor = (...keys: string[]) => Buffer.from(JSON.stringify(keys)).toString("base64url");
function decodeCursor(cursor: string, length: number): string[] {
  try {
    const keys = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(keys) && keys.length === length && keys.every((k) => typeof k === "string")) return keys;
  } catch {
    // fall through to the refusal
  }
  throw badInput("after", "after is not a cursor of this list");
}

/**
 * Reads. Current matrices, the directory and the timeline come from the read
 * models; time travel and the event log from the event store. Every read
 * needs a token; a matrix never published is seen only by those who may edit it.
 */
export class QueryService {
  constructor(
    private readonly db: Db,
    private readonly store: EventStore,
    private readonly collectivities: Repository<Collectivity, CollectivityCommand>,
    private readonly matrices: Repository<Matrix, MatrixCommand>,
    private readonly projectionStatus: () => Promise<ProjectionStatus[]>,
    private readonly limits: QueryLimits,
  ) {
    this.checkpoints = new CheckpointWatcher(async () => (await this.db.projection.findUnique({ where: { name: matrixViews.name } }))?.checkpoint || null, {
      timeoutMs: limits.staleTimeoutMs,
    });
  }

  private readonly checkpoints: CheckpointWatcher;

  /** Each projection's checkpoint and lag (admins only). */
  async projections(principal: Principal | null): Promise<ProjectionStatus[]> {
    requireAdmin(principal);
    return this.projectionStatus();
  }

  pageSize(first: number | null | undefined, field = "first"): number {
    if (first == null) return Math.min(20, this.limits.maxPageSize);
    if (!Number.isInteger(first) || first < 1 || first > this.limits.maxPageSize) {
      throw badInput(field, `${field} must be from 1 to ${this.limits.maxPageSize}`);
    }
    return first;
  }

  /**
   * From the directory; a collectivity the directory has not caught up with
   * yet is folded from its stream, so that a matrix never points at nothing.
   */
  async collectivity(id: string, principal: Principal | null): Promise<CollectivityListing | null> {
    requirePrincipal(principal);
    const row = await this.db.collectivityDirectory.findUnique({ where: { collectivityId: id } });
    if (row) return fromDirectory(row);
    const folded = (await this.collectivities.load(id)).state;
    return folded && { ...folded, matrixCount: null, factorCount: null, strategiesByStatus: null };
  }

  async collectivityPage(
    args: { kind?: CollectivityKind | null; search?: string | null; first?: number | null; after?: string | null },
    principal: Principal | null,
  ): Promise<Page<CollectivityListing>> {
    requirePrincipal(principal);
    const size = this.pageSize(args.first);
    const [name, id] = args.after ? decodeCursor(args.after, 2) : [];
    const after = name !== undefined && id !== undefined ? { name, id } : null;
    const filter = { kind: args.kind ?? undefined, ...(args.search?.trim() ? await this.searchFilter(args.search.trim()) : {}) };
    const [rows, totalCount] = await Promise.all([
      this.db.collectivityDirectory.findMany({
        where: {
          AND: [filter, ...(after ? [{ OR: [{ name: { gt: after.name } }, { name: after.name, collectivityId: { gt: after.id } }] }] : [])],
        },
        orderBy: [{ name: "asc" }, { collectivityId: "asc" }],
        take: size + 1,
      }),
      this.db.collectivityDirectory.count({ where: filter }),
    ]);
    const items = rows.slice(0, size).map(fromDirectory);
    return { items: items.map((c) => ({ cursor: encodeCursor(c.name, c.id), node: c })), hasNextPage: rows.length > size, totalCount };
  }

  /** Names holding the text as the territory's search reads it (accents, case, hyphens, "st" aside), or a SIREN or INSEE code. */
  private async searchFilter(text: string) {
    const [row] = await this.db.$queryRawUnsafe<{ form: string }[]>("SELECT pilotis_search_form($1) AS form", text);
    return { OR: [{ searchName: { contains: row?.form ?? text } }, { officialCode: text }, { inseeCode: text }] };
  }

  /** The matrices of several collectivities in one query (a page of them), each list in opening order, only those the caller may read. */
  async matricesOfMany(collectivityIds: readonly string[], principal: Principal | null): Promise<Matrix[][]> {
    const views = await this.db.matrixView.findMany({ where: { collectivityId: { in: [...collectivityIds] } }, orderBy: { matrixId: "asc" } });
    const byCollectivity = new Map<string, Matrix[]>();
    for (const view of views) {
      const matrix = view.state as unknown as Matrix;
      if (!canSeeMatrix(principal, matrix)) continue;
      const list = byCollectivity.get(view.collectivityId) ?? [];
      list.push(matrix);
      byCollectivity.set(view.collectivityId, list);
    }
    return collectivityIds.map((id) => (byCollectivity.get(id) ?? []).sort((a, b) => a.openedAt.localeCompare(b.openedAt)));
  }

  /** The collectivity of a matrix the caller reads: a PUBLIC matrix's reader needs no token to see whose it is. */
  async collectivityOf(matrix: Matrix, principal: Principal | null): Promise<CollectivityListing | null> {
    if (!canSeeMatrix(principal, matrix)) return null;
    return this.collectivity(matrix.collectivityId, principal ?? ANONYMOUS_READER);
  }

  /** PUBLIC matrices, most recently published first; no token needed. */
  async publicMatrices(args: { first?: number | null; after?: string | null }): Promise<Page<Matrix>> {
    const size = this.pageSize(args.first);
    const [at, id] = args.after ? decodeCursor(args.after, 2) : [];
    if (at !== undefined && Number.isNaN(Date.parse(at))) throw badInput("after", "after is not a cursor of this list");
    const after = at !== undefined && id !== undefined ? { publishedAt: new Date(at), id } : null;
    const where = { visibility: "PUBLIC", publishedAt: { not: null } };
    const [rows, totalCount] = await Promise.all([
      this.db.matrixView.findMany({
        where: {
          ...where,
          ...(after && { OR: [{ publishedAt: { lt: after.publishedAt } }, { publishedAt: after.publishedAt, matrixId: { lt: after.id } }] }),
        },
        orderBy: [{ publishedAt: "desc" }, { matrixId: "desc" }],
        take: size + 1,
      }),
      this.db.matrixView.count({ where }),
    ]);
    const items = rows
      .slice(0, size)
      .map((row) => ({ cursor: encodeCursor(row.publishedAt!.toISOString(), row.matrixId), node: row.state as unknown as Matrix }));
    return { items, hasNextPage: rows.length > size, totalCount };
  }

  /** A matrix as it stands or stood; the visibility it has now decides who reads any of its versions. */
  async matrix(id: string, at: MatrixAt, principal: Principal | null): Promise<Matrix | null> {
    if (at.asOf != null && at.atVersion != null) throw badInput("atVersion", "give asOf or atVersion, not both");
    if (at.atVersion != null && (!Number.isInteger(at.atVersion) || at.atVersion < 1)) {
      throw badInput("atVersion", "atVersion must be a positive integer");
    }
    if (at.minPosition != null) await this.waitFor(at.minPosition);
    const view = await this.db.matrixView.findUnique({ where: { matrixId: id } });
    const current = view?.state as unknown as Matrix | undefined;
    if (!current || !canSeeMatrix(principal, current)) {
      // Without a token, only PUBLIC matrices answer; anything else asks to sign in.
      requirePrincipal(principal);
      return null;
    }
    if (at.asOf == null && at.atVersion == null) return current;
    return (await this.matrices.loadAt(id, { toVersion: at.atVersion ?? undefined, until: at.asOf ?? undefined })).state;
  }

  /**
   * The matrix as one of its events left it, for the subscribers of a change
   * that came through Redis without it: read once in this process, however
   * many of them ask.
   */
  matrixAfter(event: RecordedEvent): Promise<Matrix> {
    const key = `${event.streamId}@${event.version}`;
    let answer = this.changedMatrices.get(key);
    if (!answer) {
      const matrixId = matrixIdOf(event.streamId);
      if (!matrixId) return Promise.reject(new Error(`${event.streamId} holds no matrix`));
      answer = this.matrices
        .loadAt(matrixId, { toVersion: event.version })
        .then(({ state }) => state ?? Promise.reject(new Error(`${event.streamId} has no matrix at version ${event.version}`)));
      this.changedMatrices.set(key, answer);
      answer.catch(() => this.changedMatrices.delete(key));
    }
    return answer;
  }

  private readonly changedMatrices = new LRUCache<string, Promise<Matrix>>({ max: 1000, ttl: 60_000 });

  /** The matrix as the event store has it now, whatever the read models say: for answering the one who just wrote. */
  async writtenMatrix(id: string): Promise<Matrix | null> {
    return (await this.matrices.load(id)).state;
  }

  async writtenCollectivity(id: string): Promise<Collectivity | null> {
    return (await this.collectivities.load(id)).state;
  }

  /** Read-your-writes: waits, bounded, until the matrix views have applied the position. */
  private async waitFor(minPosition: string): Promise<void> {
    parsePosition(minPosition, "minPosition");
    await this.checkpoints.reached(minPosition);
  }

  /** Decisions on strategies and initiatives of a collectivity, newest first; those of matrices the network may not read only for its editors. */
  async timeline(collectivityId: string, args: { first?: number | null; after?: string | null }, principal: Principal | null): Promise<Page<DecisionEntry>> {
    const who = requirePrincipal(principal);
    const size = this.pageSize(args.first);
    if (args.after) parsePosition(args.after, "after");
    const visible = canEdit(who, collectivityId)
      ? {}
      : {
          matrixId: {
            in: (
              await this.db.matrixView.findMany({
                where: { collectivityId, publishedAt: { not: null }, visibility: { in: ["NETWORK", "PUBLIC"] } },
                select: { matrixId: true },
              })
            ).map((m) => m.matrixId),
          },
        };
    const where = { collectivityId, ...visible };
    const [rows, totalCount] = await Promise.all([
      this.db.decisionEntry.findMany({
        where: { ...where, ...(args.after ? { position: { lt: args.after } } : {}) },
        orderBy: { position: "desc" },
        take: size + 1,
      }),
      this.db.decisionEntry.count({ where }),
    ]);
    const items = rows.slice(0, size);
    return { items: items.map((d) => ({ cursor: d.position, node: d })), hasNextPage: rows.length > size, totalCount };
  }

  /**
   * A page of events. The whole log is for admins; one stream's events are
   * for whoever may see that stream.
   */
  async events(args: { streamId?: string | null; after?: string | null; first?: number | null }, principal: Principal | null): Promise<Page<RecordedEvent>> {
    const size = this.pageSize(args.first);
    if (args.streamId == null) requireAdmin(principal);
    else if (!(await this.streamVisible(args.streamId, principal))) return { items: [], hasNextPage: false, totalCount: 0 };
    const rows = await this.store.readLog({ after: args.after, limit: size + 1, streamId: args.streamId });
    const slice = rows.slice(0, size);
    return { items: slice.map((e) => ({ cursor: e.position, node: e })), hasNextPage: rows.length > size, totalCount: slice.length };
  }

  /** A matrix's stream the caller may not read looks like an unknown stream: empty. Without a token, only a PUBLIC matrix's. */
  private async streamVisible(streamId: string, principal: Principal | null): Promise<boolean> {
    const matrixId = matrixIdOf(streamId);
    if (matrixId === null) {
      requirePrincipal(principal);
      return true;
    }
    const matrix = await this.matrices.load(matrixId);
    if (matrix.state && canSeeMatrix(principal, matrix.state)) return true;
    requirePrincipal(principal);
    return !matrix.state;
  }
}
