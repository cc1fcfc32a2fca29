import type { Page } from "../../app/queries.ts";

/** What a connection with a totalCount field resolves to besides its edges. */
export interface Counted {
  totalCount: number;
}

/**
 * A page the application cut with its own cursors (log positions, names and
 * ids) as the relay plugin's connection: forward only, first and after. A
 * page after a cursor has one before it: that cursor's own item.
 */
export function connectionOf<T>(page: Page<T>, after: string | null | undefined) {
  return {
    edges: page.items,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: after != null,
      startCursor: page.items[0]?.cursor ?? null,
      endCursor: page.items.at(-1)?.cursor ?? null,
    },
    totalCount: page.totalCount,
  };
}
