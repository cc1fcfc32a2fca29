import type { Database } from "../db/client.ts";
import { EventStore } from "../eventstore/store.ts";
import { CollectivityAggregate, MatrixAggregate } from "./aggregates.ts";
import { CommandHandler } from "./commands.ts";
import { createLiveEvents, publishAppended } from "./live.ts";
import { QueryService, type QueryLimits } from "./queries.ts";
import { Repository } from "./repository.ts";

/** Wires the application: one store, one repository per aggregate, commands and queries sharing them. */
export function createServices(database: Database, limits: QueryLimits) {
  const store = new EventStore(database.pool);
  const collectivities = new Repository(store, CollectivityAggregate);
  const matrices = new Repository(store, MatrixAggregate);
  const live = createLiveEvents();
  const commands = new CommandHandler(store, collectivities, matrices, (events, collectivityId) =>
    publishAppended(live, events, collectivityId),
  );
  const queries = new QueryService(store, collectivities, matrices, limits);
  const flush = async () => {
    await Promise.all([collectivities.flush(), matrices.flush()]);
  };
  return { db: database.prisma, store, commands, queries, live, flush };
}

export type Services = ReturnType<typeof createServices>;
