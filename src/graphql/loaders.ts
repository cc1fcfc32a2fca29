import DataLoader from "dataloader";
import type { BenchmarkService } from "../app/benchmarks.ts";
import type { QueryService } from "../app/queries.ts";
import type { AreaKey, TerritoryService } from "../app/territory.ts";
import type { Principal } from "../auth/principal.ts";
import type { CollectivityKind } from "../domain/types.ts";

/**
 * Per-request batching (DataLoader) for what a list asks of each of its
 * items: a page of collectivities with their matrices, peer groups and
 * places, or of territory entries with their EPCI and members, costs a few
 * queries, not a few per item. Prisma batches on its own the findUnique
 * calls of one tick (a collectivity by id): those need no loader.
 */
export function createLoaders(services: { queries: QueryService; benchmarks: BenchmarkService; territory: TerritoryService }, principal: Principal | null) {
  return {
    matricesOf: new DataLoader((collectivityIds: readonly string[]) => services.queries.matricesOfMany(collectivityIds, principal)),
    peerGroupOf: new DataLoader(
      (collectivities: readonly { id: string; kind: CollectivityKind; population: number }[]) => services.benchmarks.peerGroupsOf(collectivities),
      { cacheKeyFn: (collectivity) => collectivity.id },
    ),
    territoryEntry: new DataLoader((codes: readonly string[]) => services.territory.entries(codes)),
    territoryMembers: new DataLoader((epciSirens: readonly string[]) => services.territory.members(epciSirens)),
    territoryArea: new DataLoader((keys: readonly AreaKey[]) => services.territory.areas(keys), { cacheKeyFn: (key) => `${key.level}:${key.code}` }),
    registeredId: new DataLoader((officialCodes: readonly string[]) => services.territory.registeredIds(officialCodes)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
