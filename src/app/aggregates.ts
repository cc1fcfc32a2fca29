import { decideCollectivity, evolveCollectivity, type Collectivity, type CollectivityCommand } from "../domain/collectivity.ts";
import { decideMatrix, evolveMatrix, type Matrix, type MatrixCommand } from "../domain/matrix.ts";
import type { AggregateType } from "./repository.ts";

export const CollectivityAggregate: AggregateType<Collectivity, CollectivityCommand> = {
  streamType: "collectivity",
  decide: decideCollectivity,
  evolve: evolveCollectivity,
};

export const MatrixAggregate: AggregateType<Matrix, MatrixCommand> = {
  streamType: "matrix",
  decide: decideMatrix,
  evolve: evolveMatrix,
};
