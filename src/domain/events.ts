/** An event as decide() produces it, before the store gives it a place. */
export interface Event<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/** What the store adds to an event: where it stands, who decided it, when and why. */
export interface EventMetadata {
  streamId: string;
  version: number;
  position: string;
  occurredAt: Date;
  actor: string;
  reason: string | null;
}

/** An event read back, of a known type: what evolve() and the projectors take. */
export type ReadEvent<E extends Event = Event> = E & EventMetadata;

/** An event as the store reads it, its type not yet checked. */
export type RecordedEvent = ReadEvent<Event>;

/** Turns what an older version of Pilotis wrote into the current form of the same event; never changes its meaning. */
export type Upcaster = (event: RecordedEvent) => RecordedEvent;

/**
 * The one place a stored event becomes a typed one: its type must be one of
 * `types` (a record, so that the compiler lists every member of the union),
 * and the upcaster of that type, if any, brings old payloads to today's form.
 */
export function eventReader<E extends Event>(
  category: string,
  types: Record<E["type"], true>,
  upcasters: Partial<Record<E["type"], Upcaster>> = {},
): (event: RecordedEvent) => ReadEvent<E> {
  return (event) => {
    if (!Object.hasOwn(types, event.type)) throw new Error(`${event.streamId} holds ${event.type}, which is no ${category} event this version knows`);
    const upcast = upcasters[event.type as E["type"]];
    return (upcast ? upcast(event) : event) as ReadEvent<E>;
  };
}
