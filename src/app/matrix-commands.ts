import { randomUUID } from "node:crypto";
import { badInput } from "../domain/errors.ts";
import type { Accountability, IndicatorFields, Matrix, MatrixCommand } from "../domain/matrix.ts";
import type { FactorKind, InnovationDomain, MatrixVisibility, Quadrant, StrategyStatus } from "../domain/types.ts";
import { type CommandContext, type CommandHandler, type CommandOptions, type CommandOutcome, splitOptions } from "./commands.ts";

type Id = string | number;
type Optional<T> = { [K in keyof T]?: T[K] | null };
type Outcome<Ids extends Record<string, string>> = Promise<CommandOutcome<Matrix> & { ids: Ids }>;

interface FactorFields {
  label: string;
  description: string;
  weight: number;
  rating: number;
  domain: InnovationDomain;
  catalogueKey: string;
}

/**
 * One typed method per command on a matrix, as the API takes them: each
 * builds its domain command, runs it (load, authorize, decide, append) and
 * answers with the ids it touched, typed.
 */
export class MatrixCommands {
  constructor(private readonly handler: CommandHandler) {}

  private run<Ids extends Record<string, string>>(
    name: string,
    input: { matrixId: Id } & CommandOptions,
    command: (matrixId: string) => MatrixCommand,
    ids: Omit<Ids, "matrixId">,
    ctx: CommandContext,
  ): Outcome<Ids> {
    const { fields, options } = splitOptions(input);
    const matrixId = String(input.matrixId);
    return this.handler.onMatrix(name, fields as { matrixId: string }, command(matrixId), ids as Record<string, string>, options, ctx) as Outcome<Ids>;
  }

  rename(input: { matrixId: Id; title: string } & CommandOptions, ctx: CommandContext) {
    return this.run<{ matrixId: string }>("renameMatrix", input, (matrixId) => ({ type: "RenameMatrix", matrixId, title: input.title }), {}, ctx);
  }

  publish(input: { matrixId: Id; visibility?: MatrixVisibility | null } & CommandOptions, ctx: CommandContext) {
    return this.run<{ matrixId: string }>("publishMatrix", input, (matrixId) => ({ type: "PublishMatrix", matrixId, visibility: input.visibility }), {}, ctx);
  }

  changeVisibility(input: { matrixId: Id; visibility: MatrixVisibility } & CommandOptions, ctx: CommandContext) {
    return this.run<{ matrixId: string }>(
      "changeMatrixVisibility",
      input,
      (matrixId) => ({ type: "ChangeMatrixVisibility", matrixId, visibility: input.visibility }),
      {},
      ctx,
    );
  }

  /** Archiving keeps the visibility: a visibility given here would be silently dropped, so it is refused. */
  archive(input: { matrixId: Id; visibility?: MatrixVisibility | null } & CommandOptions, ctx: CommandContext) {
    if (input.visibility != null) throw badInput("visibility", "archiveMatrix keeps the visibility; change it with changeMatrixVisibility");
    return this.run<{ matrixId: string }>("archiveMatrix", input, (matrixId) => ({ type: "ArchiveMatrix", matrixId }), {}, ctx);
  }

  /** Without a label, a catalogueKey gives the catalogue's. */
  addFactor(input: { matrixId: Id; kind: FactorKind } & Optional<FactorFields> & CommandOptions, ctx: CommandContext) {
    const factorId = randomUUID();
    const { fields } = splitOptions(input);
    return this.run<{ matrixId: string; factorId: string }>(
      "addFactor",
      input,
      (matrixId) => ({ ...fields, type: "AddFactor", matrixId, factorId }),
      { factorId },
      ctx,
    );
  }

  reviseFactor(input: { matrixId: Id; factorId: Id } & Optional<FactorFields> & CommandOptions, ctx: CommandContext) {
    const factorId = String(input.factorId);
    const { fields } = splitOptions(input);
    return this.run<{ matrixId: string; factorId: string }>(
      "reviseFactor",
      input,
      (matrixId) => ({ ...fields, type: "ReviseFactor", matrixId, factorId }),
      { factorId },
      ctx,
    );
  }

  removeFactor(input: { matrixId: Id; factorId: Id } & CommandOptions, ctx: CommandContext) {
    return this.run<{ matrixId: string }>("removeFactor", input, (matrixId) => ({ type: "RemoveFactor", matrixId, factorId: String(input.factorId) }), {}, ctx);
  }

  proposeStrategy(
    input: {
      matrixId: Id;
      internalFactorId: Id;
      externalFactorId: Id;
      title: string;
      description?: string | null;
      priority?: number | null;
      catalogueKey?: string | null;
    } & CommandOptions,
    ctx: CommandContext,
  ) {
    const strategyId = randomUUID();
    const { fields } = splitOptions(input);
    return this.run<{ matrixId: string; strategyId: string }>(
      "proposeStrategy",
      input,
      (matrixId) => ({
        ...fields,
        type: "ProposeStrategy",
        matrixId,
        internalFactorId: String(input.internalFactorId),
        externalFactorId: String(input.externalFactorId),
        strategyId,
      }),
      { strategyId },
      ctx,
    );
  }

  reviseStrategy(
    input: {
      matrixId: Id;
      strategyId: Id;
      title?: string | null;
      description?: string | null;
      priority?: number | null;
      catalogueKey?: string | null;
    } & Optional<Accountability> &
      CommandOptions,
    ctx: CommandContext,
  ) {
    const strategyId = String(input.strategyId);
    const { fields } = splitOptions(input);
    return this.run<{ matrixId: string; strategyId: string }>(
      "reviseStrategy",
      input,
      (matrixId) => ({ ...fields, type: "ReviseStrategy", matrixId, strategyId }),
      { strategyId },
      ctx,
    );
  }

  changeStrategyStatus(input: { matrixId: Id; strategyId: Id; status: StrategyStatus } & CommandOptions, ctx: CommandContext) {
    const strategyId = String(input.strategyId);
    return this.run<{ matrixId: string; strategyId: string }>(
      "changeStrategyStatus",
      input,
      (matrixId) => ({ type: "ChangeStrategyStatus", matrixId, strategyId, status: input.status }),
      { strategyId },
      ctx,
    );
  }

  addInitiative(
    input: {
      matrixId: Id;
      title: string;
      quadrant: Quadrant;
      strategyIds?: readonly Id[] | null;
      catalogueKey?: string | null;
      description?: string | null;
    } & Optional<Omit<Accountability, "progress">> &
      CommandOptions,
    ctx: CommandContext,
  ) {
    const initiativeId = randomUUID();
    const { fields } = splitOptions(input);
    return this.run<{ matrixId: string; initiativeId: string }>(
      "addInitiative",
      input,
      (matrixId) => ({ ...fields, type: "AddInitiative", matrixId, strategyIds: input.strategyIds?.map(String) ?? null, initiativeId }),
      { initiativeId },
      ctx,
    );
  }

  reviseInitiative(
    input: {
      matrixId: Id;
      initiativeId: Id;
      title?: string | null;
      description?: string | null;
      strategyIds?: readonly Id[] | null;
      catalogueKey?: string | null;
    } & Optional<Accountability> &
      CommandOptions,
    ctx: CommandContext,
  ) {
    const initiativeId = String(input.initiativeId);
    const { fields } = splitOptions(input);
    return this.run<{ matrixId: string; initiativeId: string }>(
      "reviseInitiative",
      input,
      (matrixId) => ({ ...fields, type: "ReviseInitiative", matrixId, initiativeId, strategyIds: input.strategyIds?.map(String) ?? null }),
      { initiativeId },
      ctx,
    );
  }

  removeInitiative(input: { matrixId: Id; initiativeId: Id } & CommandOptions, ctx: CommandContext) {
    return this.run<{ matrixId: string }>(
      "removeInitiative",
      input,
      (matrixId) => ({ type: "RemoveInitiative", matrixId, initiativeId: String(input.initiativeId) }),
      {},
      ctx,
    );
  }

  reorderFactors(input: { matrixId: Id; kind: FactorKind; factorIds: readonly Id[] } & CommandOptions, ctx: CommandContext) {
    return this.run<{ matrixId: string }>(
      "reorderFactors",
      input,
      (matrixId) => ({ type: "ReorderFactors", matrixId, kind: input.kind, factorIds: input.factorIds.map(String) }),
      {},
      ctx,
    );
  }

  /** Without indicatorId, a new indicator on the subject (a strategy or an initiative); every value given is recorded apart. */
  setIndicator(
    input: { matrixId: Id; subjectId: Id; indicatorId?: Id | null; value?: number | null } & Optional<IndicatorFields> & CommandOptions,
    ctx: CommandContext,
  ) {
    const newIndicatorId = randomUUID();
    const { fields } = splitOptions(input);
    const indicatorId = input.indicatorId == null ? null : String(input.indicatorId);
    return this.run<{ matrixId: string; indicatorId: string }>(
      "setIndicator",
      input,
      (matrixId) => ({ ...fields, type: "SetIndicator", matrixId, subjectId: String(input.subjectId), indicatorId, newIndicatorId }),
      { indicatorId: indicatorId ?? newIndicatorId },
      ctx,
    );
  }

  changeInitiativeStatus(input: { matrixId: Id; initiativeId: Id; status: StrategyStatus } & CommandOptions, ctx: CommandContext) {
    const initiativeId = String(input.initiativeId);
    return this.run<{ matrixId: string; initiativeId: string }>(
      "changeInitiativeStatus",
      input,
      (matrixId) => ({ type: "ChangeInitiativeStatus", matrixId, initiativeId, status: input.status }),
      { initiativeId },
      ctx,
    );
  }
}
