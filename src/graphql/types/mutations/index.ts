// The mutations, one file per entity (after Pothos' complex-app example):
// each file declares its inputs and adds its fields to the Mutation type.
import { builder } from "../../builder.ts";

builder.mutationType({});

import "./collectivity.ts";
import "./matrix.ts";
import "./factor.ts";
import "./strategy.ts";
import "./initiative.ts";
import "./network.ts";
