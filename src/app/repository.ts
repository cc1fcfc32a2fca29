import { LRUCache } from "lru-cache";
import type { Event, RecordedEvent } from "../domain/events.ts";
import { type StreamCategory, streamName } from "../domain/streams.ts";
import type { EventStore } from "../eventstore/store.ts";

export interface AggregateType<State, Command> {
  streamType: StreamCategory;
  /** The shape of State: a stored snapshot of another shape is ignored, and the stream folded from its first event. */
  stateVersion: number;
  decide(command: Command, state: State | null): Event[];
  evolve(state: State | null, event: RecordedEvent): State | null;
}

export interface Loaded<State> {
  state: State | null;
  version: number;
  position: string | null;
}

const SNAPSHOT_EVERY = 50;

/** A stream before its first event. */
const EMPTY = { state: null, version: 0, position: null } as const;

/** A snapshot as stored (streams.snapshot): the state and the version of its shape. */
interface StoredSnapshot<State> extends Loaded<State> {
  stateVersion: number;
}

/**
 * Loads aggregates by folding their stream. Deciding a command must not slow
 * down as a stream grows, so a load starts from the newest state this process
 * has seen (an LRU cache) or from the stream's stored snapshot, and reads only
 * the events after it. Both are caches: the events stay the truth.
 */
export class Repository<State, Command> {
  private readonly cache = new LRUCache<string, Loaded<State> & { state: State }>({ max: 5000 });
  private readonly snapshotWrites = new Set<Promise<void>>();

  constructor(
    private readonly store: EventStore,
    readonly type: AggregateType<State, Command>,
    /** A snapshot that could not be written (only the next cold load reads more): for the log. */
    private readonly onSnapshotError: (error: unknown) => void = () => undefined,
  ) {}

  streamId = (id: string): string => streamName(this.type.streamType, id);

  async load(id: string): Promise<Loaded<State>> {
    const streamId = this.streamId(id);
    const start = this.cache.get(streamId) ?? (await this.fromSnapshot(streamId));
    const events = await this.store.readStream(streamId, { afterVersion: start.version });
    const loaded = this.fold(start, events);
    this.remember(streamId, loaded);
    return loaded;
  }

  /**
   * The state this process last loaded or wrote, if it still holds it: no
   * read. Only a guess, for a command whose append checks the version it assumes.
   */
  cached(id: string): Loaded<State> | undefined {
    return this.cache.get(this.streamId(id));
  }

  /** The cached state, or else an empty stream. */
  latest(id: string): Loaded<State> {
    return this.cached(id) ?? EMPTY;
  }

  /**
   * Time travel: the state as it stood at a version or at an instant. A
   * version is folded from the newest state at or before it that this
   * process holds or the stream stored (a live subscriber asks for each
   * version of a matrix in turn); an instant from the first event, since a
   * snapshot does not say when its last event happened.
   */
  async loadAt(id: string, at: { toVersion?: number; until?: Date }): Promise<Loaded<State>> {
    const streamId = this.streamId(id);
    const start = at.toVersion != null && at.until == null ? await this.startAtOrBefore(streamId, at.toVersion) : EMPTY;
    if (start.version === at.toVersion) return start;
    return this.fold(start, await this.store.readStream(streamId, { ...at, afterVersion: start.version }));
  }

  private async startAtOrBefore(streamId: string, version: number): Promise<Loaded<State>> {
    const cached = this.cache.get(streamId);
    if (cached && cached.version <= version) return cached;
    const stored = await this.fromSnapshot(streamId);
    return stored.version <= version ? stored : EMPTY;
  }

  fold(start: Loaded<State>, events: RecordedEvent[]): Loaded<State> {
    let { state } = start;
    for (const event of events) state = this.type.evolve(state, event);
    const last = events[events.length - 1];
    return last ? { state, version: last.version, position: last.position } : start;
  }

  /**
   * After an append: cache the new state and, every SNAPSHOT_EVERY versions,
   * store it. The snapshot is written without holding up the command (it was
   * the slowest part of one command in fifty); a lost one only makes the next
   * cold load read more events.
   */
  appended(id: string, before: Loaded<State>, events: RecordedEvent[]): Loaded<State> {
    const streamId = this.streamId(id);
    const after = this.fold(before, events);
    this.remember(streamId, after);
    const crossed = Math.floor(after.version / SNAPSHOT_EVERY) > Math.floor(before.version / SNAPSHOT_EVERY);
    if (crossed && after.state) {
      const snapshot: StoredSnapshot<State> = { ...after, stateVersion: this.type.stateVersion };
      const write = this.store.saveSnapshot(streamId, after.version, snapshot).catch(this.onSnapshotError);
      this.snapshotWrites.add(write);
      void write.finally(() => this.snapshotWrites.delete(write));
    }
    return after;
  }

  /** Waits for the snapshot writes under way (before shutting down). */
  async flush(): Promise<void> {
    await Promise.all(this.snapshotWrites);
  }

  private remember(streamId: string, loaded: Loaded<State>): void {
    if (loaded.state) this.cache.set(streamId, loaded as Loaded<State> & { state: State });
  }

  private async fromSnapshot(streamId: string): Promise<Loaded<State>> {
    const info = await this.store.streamInfo(streamId);
    const snapshot = info?.snapshot as StoredSnapshot<State> | null | undefined;
    if (snapshot && info!.snapshotVersion > 0 && snapshot.stateVersion === this.type.stateVersion) {
      return { state: snapshot.state, version: snapshot.version, position: snapshot.position };
    }
    return EMPTY;
  }
}
