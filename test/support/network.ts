import type { CommandContext, CommandHandler } from "../../src/app/commands.ts";
import { catalogueEntry } from "../../src/domain/catalogue/index.ts";
import type { CollectivityKind, FactorKind, MatrixVisibility, Quadrant, StrategyStatus } from "../../src/domain/types.ts";

export const admin: CommandContext = { principal: { tokenId: "t", role: "ADMIN", collectivityId: null, subject: "admin-direct" } };

/** The statuses a strategy or initiative passes through to reach `to`, after PROPOSED. */
export function pathTo(to: StrategyStatus, abandonedAfterAdoption = true): StrategyStatus[] {
  switch (to) {
    case "PROPOSED":
      return [];
    case "ADOPTED":
      return ["ADOPTED"];
    case "IN_PROGRESS":
      return ["ADOPTED", "IN_PROGRESS"];
    case "DONE":
      return ["ADOPTED", "IN_PROGRESS", "DONE"];
    case "ABANDONED":
      return abandonedAfterAdoption ? ["ADOPTED", "ABANDONED"] : ["ABANDONED"];
  }
}

/** A matrix as a test describes it: catalogue keys, and where each strategy and tool got to. */
export interface MatrixSpec {
  /** Catalogue factor keys (their kind follows the key), or plain factors. */
  factors: (string | { kind: FactorKind; weight?: number; rating?: number; key?: string })[];
  /** Catalogue strategy keys (both factors must be in `factors`) and the status each reached. */
  strategies?: [key: string, status: StrategyStatus][];
  /** Toolbox keys and the status each initiative reached. */
  tools?: [key: string, status: StrategyStatus][];
  status?: "DRAFT" | "PUBLISHED" | "ARCHIVED";
  /**
   * NETWORK unless told: a shared matrix counts exactly in benchmarks, so a
   * test can compare figures with values it computed; privacy tests ask for
   * AGGREGATES_ONLY, whose contributions come with noise.
   */
  visibility?: MatrixVisibility;
}

export async function registerCommune(
  commands: CommandHandler,
  name: string,
  population: number,
  financialPotentialPerCapita: number | null = null,
  kind: CollectivityKind = "COMMUNE",
) {
  return (await commands.registerCollectivity({ name, kind, population, financialPotentialPerCapita }, {}, admin)).ids.collectivityId!;
}

/** Writes a matrix through the command handler, as the API would; returns its id. */
export async function buildMatrix(commands: CommandHandler, collectivityId: string, spec: MatrixSpec, ctx: CommandContext = admin): Promise<string> {
  const matrixId = (await commands.openMatrix({ collectivityId, title: "Diagnostic" }, {}, ctx)).ids.matrixId!;
  const on = (command: Parameters<CommandHandler["onMatrix"]>[2]) => commands.onMatrix(command.type, { matrixId }, command, {}, {}, ctx);
  const factorIds = new Map<string, string>();
  for (const [i, factor] of spec.factors.entries()) {
    const factorId = `f${i}`;
    if (typeof factor === "string") {
      await on({ type: "AddFactor", matrixId, factorId, kind: catalogueEntry(factor)!.factorKind!, label: factor, catalogueKey: factor });
      factorIds.set(factor, factorId);
    } else {
      await on({
        type: "AddFactor",
        matrixId,
        factorId,
        kind: factor.kind,
        label: `${factor.kind} ${i}`,
        weight: factor.weight,
        rating: factor.rating,
        catalogueKey: factor.key ?? null,
      });
      if (factor.key) factorIds.set(factor.key, factorId);
    }
  }
  for (const [i, [key, status]] of (spec.strategies ?? []).entries()) {
    const entry = catalogueEntry(key)!;
    const strategyId = `s${i}`;
    await on({
      type: "ProposeStrategy",
      matrixId,
      strategyId,
      internalFactorId: factorIds.get(entry.internalFactorKey!)!,
      externalFactorId: factorIds.get(entry.externalFactorKey!)!,
      title: entry.label,
      catalogueKey: key,
    });
    for (const step of pathTo(status)) await on({ type: "ChangeStrategyStatus", matrixId, strategyId, status: step });
  }
  for (const [i, [key, status]] of (spec.tools ?? []).entries()) {
    const initiativeId = `i${i}`;
    await on({
      type: "AddInitiative",
      matrixId,
      initiativeId,
      title: catalogueEntry(key)!.label,
      quadrant: catalogueEntry(key)!.quadrant as Quadrant,
      catalogueKey: key,
    });
    for (const step of pathTo(status)) await on({ type: "ChangeInitiativeStatus", matrixId, initiativeId, status: step });
  }
  if (spec.status === "PUBLISHED" || spec.status === "ARCHIVED") await on({ type: "PublishMatrix", matrixId, visibility: spec.visibility ?? "NETWORK" });
  if (spec.status === "ARCHIVED") await on({ type: "ArchiveMatrix", matrixId });
  return matrixId;
}
