import { builder } from "./builder.ts";
import "./types/scalars.ts";
import "./types/catalogue.ts";
import "./types/events.ts";
import "./types/benchmark.ts";
import "./types/collectivity.ts";
import "./types/matrix.ts";
import "./types/queries.ts";
import "./types/mutations/index.ts";
import "./types/subscriptions.ts";
import "./types/tokens.ts";
import "./types/grants.ts";
import "./types/territory.ts";

export const schema = builder.toSchema({ sortSchema: false });
