import type { BenchmarkService } from "../app/benchmarks.ts";
import type { CommandHandler } from "../app/commands.ts";
import type { GrantService } from "../app/grants.ts";
import type { LiveEvents } from "../app/live.ts";
import type { MatrixCommands } from "../app/matrix-commands.ts";
import type { QueryService } from "../app/queries.ts";
import type { TerritoryService } from "../app/territory.ts";
import type { TokenService } from "../app/tokens.ts";
import type { Principal } from "../auth/principal.ts";
import type { Db } from "../db/client.ts";
import type { Loaders } from "./loaders.ts";

/** What every resolver gets: the caller and the application services. Resolvers only translate. */
export interface Context {
  db: Db;
  principal: Principal | null;
  commands: CommandHandler;
  matrixCommands: MatrixCommands;
  queries: QueryService;
  benchmarks: BenchmarkService;
  tokens: TokenService;
  grants: GrantService;
  territory: TerritoryService;
  live: LiveEvents;
  requestId: string;
  /** Batches what a list asks of each item, for this request. */
  loaders: Loaders;
}
