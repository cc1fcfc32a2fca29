import {
  COLLECTIVITY_STATE_VERSION,
  type Collectivity,
  type CollectivityCommand,
  decideCollectivity,
  evolveCollectivity,
  readCollectivityEvent,
} from "../domain/collectivity.ts";
import { decideMatrix, evolveMatrix, MATRIX_STATE_VERSION, type Matrix, type MatrixCommand, readMatrixEvent } from "../domain/matrix.ts";
import {
  decideReferenceWeight,
  evolveReferenceWeights,
  REFERENCE_WEIGHTS_STATE_VERSION,
  type ReferenceWeightCommand,
  type ReferenceWeights,
  readReferenceWeightEvent,
} from "../domain/reference-weights.ts";
import type { AggregateType } from "./repository.ts";

// Each aggregate reads its stream's events through its domain's reader: the
// store's untyped events become typed (and upcast) here, once.

export const CollectivityAggregate: AggregateType<Collectivity, CollectivityCommand> = {
  streamType: "collectivity",
  stateVersion: COLLECTIVITY_STATE_VERSION,
  decide: decideCollectivity,
  evolve: (state, event) => evolveCollectivity(state, readCollectivityEvent(event)),
};

export const MatrixAggregate: AggregateType<Matrix, MatrixCommand> = {
  streamType: "matrix",
  stateVersion: MATRIX_STATE_VERSION,
  decide: decideMatrix,
  evolve: (state, event) => evolveMatrix(state, readMatrixEvent(event)),
};

export const ReferenceWeightsAggregate: AggregateType<ReferenceWeights, ReferenceWeightCommand> = {
  streamType: "network",
  stateVersion: REFERENCE_WEIGHTS_STATE_VERSION,
  decide: decideReferenceWeight,
  evolve: (state, event) => evolveReferenceWeights(state, readReferenceWeightEvent(event)),
};
