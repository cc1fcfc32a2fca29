import { getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Metrics } from "../../observability/metrics.ts";

/** Times each query and mutation's execution for pilotis_graphql_operation_duration_seconds. */
export function useOperationMetrics(metrics: Metrics): Plugin {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const operation = getOperationAST(args.document, args.operationName);
      return {
        onExecuteDone() {
          metrics.operation(operation?.name?.value ?? args.operationName, operation?.operation ?? "unknown", (performance.now() - started) / 1000);
        },
      };
    },
  };
}
