import type pg from "pg";
import { type CollectivityEvent, readCollectivityEvent } from "../domain/collectivity.ts";
import type { EventMetadata, ReadEvent, RecordedEvent } from "../domain/events.ts";
import { evolveMatrix, type Matrix, type MatrixEvent, readMatrixEvent } from "../domain/matrix.ts";
import { categoryOf, idOf } from "../domain/streams.ts";
import type { MatrixVisibility } from "../domain/types.ts";
import type { MatrixCache } from "./matrix-cache.ts";

/**
 * An event a projector has applied, for live subscribers: the collectivity
 * it concerns and, for a matrix event, who may hear of it and the matrix as
 * that event left it.
 */
export interface Applied {
  event: RecordedEvent;
  collectivityId: string;
  /** A matrix event's audience: the matrix's visibility as the event left it (see canSeeMatrix). */
  visibility?: MatrixVisibility | null;
  /**
   * Only in the process that applied it, where it costs nothing: a change
   * crossing Redis leaves it behind (see redis-host.ts), and a subscriber
   * that wants it reads it again (Queries.matrixAfter).
   */
  matrix?: Matrix;
}

/** What the runner gives a projector with each batch. */
export interface ApplyContext {
  /** The batch goes to copies of the tables being rebuilt: nothing live may be touched. */
  rebuilding: boolean;
  /** Matrices this projection last folded, for this runner (and rebuild) alone (see MatrixCache). */
  matrices: MatrixCache;
}

/**
 * Turns events into read-model rows. apply() runs inside the transaction that
 * also moves the projection's checkpoint, on the client it is given, and
 * must do all its I/O through that client.
 */
export interface Projector {
  name: string;
  /**
   * The shape of its rows. Bump it when they change (and whenever
   * MATRIX_STATE_VERSION does, for a projection keeping matrices): the first
   * process running the new code rebuilds the projection from the first event.
   */
  version: number;
  apply(db: pg.PoolClient, events: RecordedEvent[], context: ApplyContext): Promise<Applied[]>;
  /** The tables this projection owns: a rebuild fills copies of them, then swaps them in. */
  tables: readonly string[];
  /** Runs in the transaction that swaps rebuilt tables in, for what depends on them. */
  afterRebuild?(db: pg.PoolClient): Promise<void>;
}

export const isMatrixEvent = (event: RecordedEvent) => categoryOf(event.streamId) === "matrix";
export const isCollectivityEvent = (event: RecordedEvent) => categoryOf(event.streamId) === "collectivity";
export const isNetworkEvent = (event: RecordedEvent) => categoryOf(event.streamId) === "network";
export const aggregateId = (event: EventMetadata) => idOf(event.streamId);

/** The batch's matrix events, typed (and upcast) by the domain's reader. */
export const matrixEventsOf = (events: RecordedEvent[]): ReadEvent<MatrixEvent>[] => events.filter(isMatrixEvent).map(readMatrixEvent);
/** The batch's collectivity events, typed (and upcast) by the domain's reader. */
export const collectivityEventsOf = (events: RecordedEvent[]): ReadEvent<CollectivityEvent>[] => events.filter(isCollectivityEvent).map(readCollectivityEvent);

/**
 * Folds matrix events onto the states a projection holds (by matrix id),
 * skipping events a state already includes; `each` hears every event
 * applied with the matrix it left. Returns the ids of the matrices changed.
 */
export function foldMatrixEvents(
  states: Map<string, Matrix | null>,
  events: ReadEvent<MatrixEvent>[],
  each?: (event: ReadEvent<MatrixEvent>, after: Matrix) => void,
): Set<string> {
  const changed = new Set<string>();
  for (const event of events) {
    const id = aggregateId(event);
    const before = states.get(id) ?? null;
    if (before && event.version <= before.version) continue;
    const after = evolveMatrix(before, event);
    if (!after) continue;
    states.set(id, after);
    changed.add(id);
    each?.(event, after);
  }
  return changed;
}
