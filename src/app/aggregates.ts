import { decideCollectivity, evolveCollectivity, type Collectivity, type CollectivityCommand } from "../domain/collectivity.ts";
import { decideMatrix, evolveMatrix, type Matrix, type MatrixCommand } from "../domain/matrix.ts";
import { decideReferenceWeight, evolveReferenceWeights, type ReferenceWeightCommand, type ReferenceWeights } from "../domain/reference-weights.ts";
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

export const ReferenceWeightsAggregate: AggregateType<ReferenceWeights, ReferenceWeightCommand> = {
  streamType: "network",
  decide: decideReferenceWeight,
  evolve: evolveReferenceWeights,
};
