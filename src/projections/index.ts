import { benchmarks } from "./benchmarks.ts";
import { collectivityDirectory } from "./collectivity-directory.ts";
import { matrixViews } from "./matrix-views.ts";
import type { Projector } from "./projector.ts";

/** Every projection, in the order a catch-up runs them. */
export const PROJECTORS: readonly Projector[] = [matrixViews, collectivityDirectory, benchmarks];
