import { LRUCache } from "lru-cache";
import type { Matrix } from "../domain/matrix.ts";

/**
 * The matrices a projection last folded in this process, so that its next
 * batch need not read them back: a matrix being edited is written again at
 * every batch, and its state (tens of kilobytes at two hundred factors) was
 * sent, parsed and collected each time. A remembered state stands for a
 * row only while the row still holds its version and position: another
 * worker may have moved it since, or a rolled-back batch never wrote it.
 * A projection that keeps no row of a matrix (benchmarks, for drafts) takes
 * a remembered state only as the fold of the stream up to its version,
 * which events, never changed, keep true.
 */
export class MatrixCache {
  private readonly states: LRUCache<string, Matrix>;

  constructor(max = 2_000) {
    this.states = new LRUCache({ max });
  }

  remember(matrices: Iterable<Matrix>): void {
    for (const matrix of matrices) this.states.set(matrix.id, matrix);
  }

  /** The remembered state of a matrix when it is the one at that version, else undefined. */
  at(id: string, version: number): Matrix | undefined {
    const state = this.states.get(id);
    return state?.version === version ? state : undefined;
  }

  forget(id: string): void {
    this.states.delete(id);
  }

  /**
   * Reads the rows of these matrices through `read`, which is given what is
   * remembered of them and returns, for each row found, its state or null
   * where the remembered one still stands for it.
   */
  async load(
    ids: string[],
    read: (remembered: { ids: string[]; versions: number[]; positions: string[] }) => Promise<{ matrix_id: string; state: Matrix | null }[]>,
  ): Promise<Map<string, Matrix | null>> {
    // Held apart for the read: what the cache evicts meanwhile must not leave a row without its state.
    const held = new Map<string, Matrix>();
    for (const id of ids) {
      const state = this.states.get(id);
      if (state) held.set(id, state);
    }
    const states = [...held.values()];
    const rows = await read({ ids: [...held.keys()], versions: states.map((m) => m.version), positions: states.map((m) => m.position) });
    return new Map(rows.map((row) => [row.matrix_id, row.state ?? held.get(row.matrix_id)!]));
  }
}
