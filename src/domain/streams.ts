/**
 * Stream names: `<category>-<id>`. This module alone builds and reads them,
 * so that the store, the repositories, the projections and the API agree.
 */
export const STREAM_CATEGORIES = ["collectivity", "matrix", "network"] as const;
export type StreamCategory = (typeof STREAM_CATEGORIES)[number];

export const streamName = (category: StreamCategory, id: string): string => `${category}-${id}`;

export const matrixStream = (matrixId: string) => streamName("matrix", matrixId);
export const collectivityStream = (collectivityId: string) => streamName("collectivity", collectivityId);

/** The category a stream belongs to, or null for a name this module did not make. */
export function categoryOf(stream: string): StreamCategory | null {
  const category = stream.slice(0, stream.indexOf("-"));
  return (STREAM_CATEGORIES as readonly string[]).includes(category) ? (category as StreamCategory) : null;
}

/** The aggregate id in a stream name. */
export const idOf = (stream: string): string => stream.slice(stream.indexOf("-") + 1);

/** The matrix a stream holds, or null when it holds something else. */
export const matrixIdOf = (stream: string): string | null => (categoryOf(stream) === "matrix" ? idOf(stream) : null);
