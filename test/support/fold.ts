import type { Event, ReadEvent } from "../../src/domain/events.ts";

/** Runs decide then evolve as the store would, with made-up metadata: a tiny in-memory stream for domain tests. */
export class InMemoryStream<State, Command, E extends Event> {
  state: State | null = null;
  events: ReadEvent<E>[] = [];

  constructor(
    private readonly decide: (command: Command, state: State | null) => E[],
    private readonly evolve: (state: State | null, event: ReadEvent<E>) => State | null,
    private readonly streamId = "stream-1",
  ) {}

  run(command: Command, meta: { actor?: string; reason?: string | null; at?: Date } = {}): ReadEvent<E>[] {
    const produced = this.decide(command, this.state).map((e, i): ReadEvent<E> => {
      const version = this.events.length + i + 1;
      return {
        ...e,
        streamId: this.streamId,
        version,
        position: `0000000000000001-${version.toString(16).padStart(16, "0")}`,
        occurredAt: meta.at ?? new Date(Date.UTC(2026, 0, 1) + version * 60_000),
        actor: meta.actor ?? "tester",
        reason: meta.reason ?? null,
      };
    });
    for (const event of produced) this.state = this.evolve(this.state, event);
    this.events.push(...produced);
    return produced;
  }
}
