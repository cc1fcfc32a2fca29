/** An event as decide() produces it, before the store gives it a place. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/** An event as the store holds it; evolve() reads the metadata it needs (who, when, which version). */
export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  streamId: string;
  version: number;
  position: string;
  occurredAt: Date;
  actor: string;
  reason: string | null;
}
