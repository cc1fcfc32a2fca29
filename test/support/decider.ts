import { expect } from "vitest";
import type { DomainError } from "../../src/domain/errors.ts";
import type { Event, ReadEvent } from "../../src/domain/events.ts";

interface Decider<State, Command, E extends Event> {
  decide(command: Command, state: State | null): E[];
  evolve(state: State | null, event: ReadEvent<E>): State | null;
}

/**
 * Given/when/then for a decider, after Emmett's DeciderSpecification: given
 * past events, when a command is decided, then exactly these events (or
 * this refusal). Pins what is recorded, not only the state it leads to.
 */
export function deciderSpecification<State, Command, E extends Event>(decider: Decider<State, Command, E>) {
  return {
    given(events: E[]) {
      const state = events.reduce<State | null>(
        (current, event, i) =>
          decider.evolve(current, {
            ...event,
            streamId: "spec-1",
            version: i + 1,
            position: `0000000000000001-${(i + 1).toString(16).padStart(16, "0")}`,
            occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
            actor: "spec",
            reason: null,
          }),
        null,
      );
      return {
        when(command: Command) {
          const decide = () => decider.decide(command, state);
          return {
            thenRecords(expected: E[]) {
              expect(decide()).toEqual(expected);
            },
            thenRefuses(code: DomainError["code"], extensions: Record<string, unknown> = {}) {
              let refusal: unknown = null;
              try {
                decide();
              } catch (error) {
                refusal = error;
              }
              expect(refusal).toMatchObject({ code, extensions: expect.objectContaining(extensions) });
            },
          };
        },
      };
    },
  };
}
