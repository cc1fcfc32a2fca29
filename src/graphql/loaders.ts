import DataLoader from "dataloader";
import type { BenchmarkService } from "../app/benchmarks.ts";
import type { QueryService } from "../app/queries.ts";
import type { Principal } from "../auth/principal.ts";
import type { CollectivityKind } from "../domain/types.ts";

/**
 * Per-request batching (DataLoader) for what a list asks of each of its
 * items: a page of collectivities with their matrices and peer groups costs
 * a few queries, not a few per collectivity.
 */
export function createLoaders(services: { queries: QueryService; benchmarks: BenchmarkService }, principal: Principal | null) {
  return {
    matricesOf: new DataLoader((collectivityIds: readonly string[]) => services.queries.matricesOfMany(collectivityIds, principal)),
    peerGroupOf: new DataLoader(
      (collectivities: readonly { id: string; kind: CollectivityKind; population: number }[]) => services.benchmarks.peerGroupsOf(collectivities),
      { cacheKeyFn: (collectivity) => collectivity.id },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
