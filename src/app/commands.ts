import { createHash, randomUUID } from "node:crypto";
import { AccessError, canSeeMatrix, type Principal, requireAdmin, requireEditor, requirePrincipal } from "../auth/principal.ts";
import { catalogueEntries } from "../domain/catalogue/index.ts";
import type { Collectivity, CollectivityCommand, DirectoryEntry, Merger } from "../domain/collectivity.ts";
import { badInput, DomainError, notFound } from "../domain/errors.ts";
import type { Event, RecordedEvent } from "../domain/events.ts";
import type { Matrix, MatrixCommand, MatrixStart } from "../domain/matrix.ts";
import { REFERENCE_WEIGHTS_ID, type ReferenceWeightCommand, type ReferenceWeights } from "../domain/reference-weights.ts";
import type { CollectivityKind } from "../domain/types.ts";
import { checkReason, storableText } from "../domain/validation.ts";
import { ConcurrencyError, DuplicateCommandError, type EventStore } from "../eventstore/store.ts";
import { placeRefusal, planImport } from "../spreadsheets/plan.ts";
import { readSpreadsheet } from "../spreadsheets/read.ts";
import { ReferenceWeightsAggregate } from "./aggregates.ts";
import { fingerprint } from "./fingerprint.ts";
import { type Loaded, Repository } from "./repository.ts";

/** What every mutation may carry besides its own fields. */
export interface CommandOptions {
  commandId?: string | null;
  expectedVersion?: number | null;
  reason?: string | null;
}

/** A command's own fields apart from what every command may carry; the fields alone identify the request. */
export function splitOptions<T extends CommandOptions>(input: T) {
  const { commandId, expectedVersion, reason, ...fields } = input;
  return { fields, options: { commandId: commandId == null ? null : String(commandId), expectedVersion, reason } as CommandOptions };
}

export interface CommandContext {
  principal: Principal | null;
  correlationId?: string | null;
}

export interface CommandOutcome<State = unknown> {
  /** The aggregate as the command left it; null for a replay, which reads nothing. */
  state: State | null;
  /** Ids of what the command created or touched (collectivityId, matrixId, factorId...). */
  ids: Record<string, string>;
  version: number;
  position: string;
  events: RecordedEvent[];
  replayed: boolean;
}

type Ids = Record<string, string>;

interface Spec<State, Command> {
  repo: Repository<State, Command>;
  aggregateId: string;
  name: string;
  input: object;
  options: CommandOptions;
  ids: Ids;
  /** Checks the caller may run this command on this state; throws when not. */
  authorize(state: State | null, principal: Principal): void;
  command: Command;
  /** Further commands decided in turn on the state the previous ones leave, and appended with them. */
  then?: Command[];
  /** History imported from elsewhere: when it happened. */
  occurredAt?: Date;
  ownerId?: string;
  /**
   * Guess an empty stream when this process has not seen it (see guessFor):
   * for imports, whose streams have one writer and are mostly new.
   */
  optimistic?: boolean;
}

/**
 * What a command is decided on first, without reading its stream: the state
 * this process last loaded or wrote (Repository.cached), or for an import
 * an empty stream. A stale guess is refused by the append's version check,
 * or by the decider, and decided again on the stream as read; one that
 * contradicts the caller's expectedVersion is not made. Undefined: read.
 */
function guessFor<State, Command>(spec: Spec<State, Command>): Loaded<State> | undefined {
  const known = spec.optimistic ? spec.repo.latest(spec.aggregateId) : spec.repo.cached(spec.aggregateId);
  const expected = spec.options.expectedVersion;
  return known && (expected == null || expected === known.version) ? known : undefined;
}

// Each round of a race has one winner, so this many racers on one stream all
// get through; the jitter keeps the losers from colliding again in lockstep.
const MAX_ATTEMPTS = 12;
const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));

/** Profile fields that decide a collectivity's peer groups. */
const PLACEMENT_FIELDS = ["population", "financialPotentialPerCapita", "regionCode", "departementCode", "epciCode"] as const;

/** The id of the collectivity of a SIREN: a UUID-shaped digest, the same for every process. */
export function idOfSiren(siren: string): string {
  const hex = createHash("sha256").update(`pilotis:collectivity:siren:${siren}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Runs commands: load by folding, decide, append, remember. Optimistic
 * concurrency: a caller's expectedVersion that no longer holds is a CONFLICT;
 * without one, a lost race is decided again on the fresh state.
 */
export class CommandHandler {
  private readonly referenceWeights: Repository<ReferenceWeights, ReferenceWeightCommand>;

  constructor(
    private readonly store: EventStore,
    private readonly collectivities: Repository<Collectivity, CollectivityCommand>,
    private readonly matrices: Repository<Matrix, MatrixCommand>,
    /** Told after every append commits: the projections have something to do. */
    private readonly onAppended: (events: RecordedEvent[]) => void = () => undefined,
  ) {
    this.referenceWeights = new Repository(store, ReferenceWeightsAggregate);
  }

  async execute<State, Command>(spec: Spec<State, Command>, ctx: CommandContext): Promise<CommandOutcome<State>> {
    const principal = requirePrincipal(ctx.principal);
    const commandId = spec.options.commandId ?? null;
    if (commandId !== null && (commandId.trim() === "" || commandId.length > 200)) {
      throw badInput("commandId", "commandId must be 1 to 200 characters");
    }
    if (commandId !== null) storableText("commandId", commandId);
    const options = { ...spec.options, reason: checkReason(spec.options.reason) };
    spec = { ...spec, options };
    // Hashing the request costs a canonical JSON of it: only a command that can be replayed needs it.
    const idempotent = commandId === null ? null : { commandId, print: fingerprint({ name: spec.name, input: spec.input }) };

    const expected = spec.options.expectedVersion;
    let replayChecked = false;
    for (let attempt = 1; ; attempt++) {
      const guess = attempt === 1 ? guessFor(spec) : undefined;
      const guessed = guess !== undefined;
      const loaded = guess ?? (await spec.repo.load(spec.aggregateId));
      try {
        // A replay is authorized like a new command: its answer reads the aggregate.
        spec.authorize(loaded.state, principal);
      } catch (error) {
        if (guessed) continue;
        throw error;
      }
      if (idempotent && !replayChecked) {
        replayChecked = true;
        const earlier = await this.replay(principal, idempotent.commandId, idempotent.print);
        if (earlier) return earlier;
      }
      if (expected != null && expected !== loaded.version) throw conflict(expected, loaded.version);

      let events: Event[];
      try {
        events = this.decide(spec, loaded, principal);
      } catch (error) {
        // Refused on a guess (stale, or a stream this process has not seen): only the stream as read may refuse.
        if (guessed) continue;
        throw error;
      }
      if (guessed && events.length === 0) continue;
      if (events.length === 0) return { ids: spec.ids, state: loaded.state, version: loaded.version, position: loaded.position!, events: [], replayed: false };

      try {
        const appended = await this.store.append({
          streamId: spec.repo.streamId(spec.aggregateId),
          streamType: spec.repo.type.streamType,
          ownerId: spec.ownerId ?? null,
          expectedVersion: loaded.version,
          events,
          metadata: { actor: principal.subject, reason: spec.options.reason ?? null, commandId, correlationId: ctx.correlationId ?? null },
          idempotency: idempotent ? { caller: principal.tokenId, fingerprint: idempotent.print, result: spec.ids } : undefined,
          occurredAt: spec.occurredAt,
        });
        const after = spec.repo.appended(spec.aggregateId, loaded, appended.events);
        this.onAppended(appended.events);
        return { ids: spec.ids, state: after.state, version: appended.version, position: appended.position, events: appended.events, replayed: false };
      } catch (error) {
        if (error instanceof DuplicateCommandError && idempotent) return (await this.replay(principal, idempotent.commandId, idempotent.print))!;
        if (!(error instanceof ConcurrencyError)) throw error;
        if (expected != null || attempt >= MAX_ATTEMPTS) {
          const current = await spec.repo.load(spec.aggregateId);
          throw conflict(expected ?? loaded.version, current.version);
        }
        // A wrong guess lost to the stream, not to a racer: read it at once.
        if (!guessed) await backoff(attempt);
      }
    }
  }

  /**
   * The events of the spec's command and of those that follow it, each
   * decided on the state the previous ones leave: so a batch is refused
   * whole exactly where one of its commands would be refused alone.
   */
  private decide<State, Command>(spec: Spec<State, Command>, loaded: Loaded<State>, principal: Principal): Event[] {
    const { type } = spec.repo;
    if (!spec.then?.length) return type.decide(spec.command, loaded.state);
    const all: Event[] = [];
    let state = loaded.state;
    for (const command of [spec.command, ...spec.then]) {
      for (const event of type.decide(command, state)) {
        all.push(event);
        state = type.evolve(state, {
          ...event,
          streamId: spec.repo.streamId(spec.aggregateId),
          version: loaded.version + all.length,
          position: "",
          occurredAt: spec.occurredAt ?? new Date(),
          actor: principal.subject,
          reason: spec.options.reason ?? null,
        });
      }
    }
    return all;
  }

  /** The first outcome of a command id this caller already used; its ids are the caller's alone. */
  private async replay(caller: Principal, commandId: string, print: string): Promise<CommandOutcome<never> | null> {
    const stored = await this.store.findCommand(caller.tokenId, commandId);
    if (!stored) return null;
    if (stored.fingerprint !== print) {
      throw badInput("commandId", `commandId ${commandId} was already used for a different command`);
    }
    const { version, position, ...ids } = stored.result;
    return { ids: ids as Ids, state: null, version, position, events: [], replayed: true };
  }

  // ---- collectivities ------------------------------------------------------

  /**
   * A collectivity with a SIREN gets an id derived from it, so that the event
   * store itself refuses a second registration of that SIREN (CONFLICT), even
   * from two requests at once.
   */
  registerCollectivity(
    input: {
      name?: string | null;
      kind?: Collectivity["kind"] | null;
      population?: number | null;
      officialCode?: string | null;
      financialPotentialPerCapita?: number | null;
      regionCode?: string | null;
      directory?: DirectoryEntry | null;
    },
    options: CommandOptions,
    ctx: CommandContext,
  ) {
    const siren = input.directory?.officialCode ?? input.officialCode?.replace(/\s/g, "") ?? null;
    const collectivityId = siren ? idOfSiren(siren) : randomUUID();
    return this.execute(
      {
        repo: this.collectivities,
        aggregateId: collectivityId,
        name: "registerCollectivity",
        input,
        options,
        ids: { collectivityId },
        authorize: (_state, principal) => requireAdmin(principal),
        command: { type: "RegisterCollectivity", collectivityId, ...input },
      },
      ctx,
    );
  }

  updateCollectivityProfile(
    input: {
      collectivityId: string;
      name?: string | null;
      population?: number | null;
      financialPotentialPerCapita?: number | null;
      regionCode?: string | null;
      departementCode?: string | null;
      epciCode?: string | null;
    },
    options: CommandOptions,
    ctx: CommandContext,
  ) {
    return this.execute(
      {
        repo: this.collectivities,
        aggregateId: input.collectivityId,
        name: "updateCollectivityProfile",
        input,
        options,
        ids: { collectivityId: input.collectivityId },
        authorize: (_state, principal) => {
          requireEditor(principal, input.collectivityId);
          // Where a collectivity sits among its peers is not its own to set: an
          // editor could otherwise join any group, or pad a small one.
          const placing = PLACEMENT_FIELDS.filter((field) => input[field] != null);
          if (principal.role !== "ADMIN" && placing.length > 0) {
            throw new AccessError("FORBIDDEN", `${placing.join(", ")} place a collectivity among its peers: only admins change them`);
          }
        },
        command: { type: "UpdateCollectivityProfile", ...input },
      },
      ctx,
    );
  }

  /** Records that a collectivity merged into a commune nouvelle (the territory's import does, from a new millésime); admins only. */
  recordMerger(input: { collectivityId: string; into: Merger }, options: CommandOptions, ctx: CommandContext) {
    return this.execute(
      {
        repo: this.collectivities,
        aggregateId: input.collectivityId,
        name: "recordMerger",
        input,
        options,
        ids: { collectivityId: input.collectivityId },
        authorize: (_state, principal) => requireAdmin(principal),
        command: { type: "RecordMerger", ...input },
      },
      ctx,
    );
  }

  // ---- matrices ------------------------------------------------------------

  /**
   * A new DRAFT matrix, empty, filled with the catalogue's factors, or
   * started from another matrix of the same collectivity that the caller
   * may read (its live factors, open strategies and initiatives).
   */
  async openMatrix(
    input: { collectivityId: string; title: string; fromCatalogue?: boolean | null; copyFromMatrixId?: string | null },
    options: CommandOptions,
    ctx: CommandContext,
  ) {
    await this.requireCollectivityEditor(input.collectivityId, ctx);
    const start = await this.startOf(input, ctx);
    return this.open("openMatrix", input, randomUUID(), start, options, ctx);
  }

  /**
   * A new DRAFT matrix holding what a workbook holds (see src/spreadsheets):
   * refused whole, nothing written, naming the sheet, row and column of the
   * first problem.
   */
  async importMatrix(input: { collectivityId: string; title: string; file: Uint8Array }, options: CommandOptions, ctx: CommandContext) {
    await this.requireCollectivityEditor(input.collectivityId, ctx);
    const matrixId = randomUUID();
    const planned = planImport(await readSpreadsheet(input.file), matrixId, randomUUID);
    // The file counts in the idempotency fingerprint by its digest: a replay must send the same file.
    const request = { collectivityId: input.collectivityId, title: input.title, file: createHash("sha256").update(input.file).digest("hex") };
    try {
      return await this.open("importMatrix", request, matrixId, { from: "COMMANDS", commands: planned.map((p) => p.command) }, options, ctx);
    } catch (error) {
      const step = error instanceof DomainError ? error.extensions.step : undefined;
      if (typeof step === "number" && planned[step]) throw placeRefusal(planned[step], error as DomainError);
      throw error;
    }
  }

  private async requireCollectivityEditor(collectivityId: string, ctx: CommandContext): Promise<void> {
    requireEditor(ctx.principal, collectivityId);
    const collectivity = await this.collectivities.load(collectivityId);
    if (!collectivity.state) throw notFound("collectivity", collectivityId);
  }

  private open(
    name: string,
    input: { collectivityId: string; title: string },
    matrixId: string,
    start: MatrixStart | null,
    options: CommandOptions,
    ctx: CommandContext,
  ) {
    return this.execute(
      {
        repo: this.matrices,
        aggregateId: matrixId,
        name,
        input,
        options,
        ids: { matrixId },
        authorize: (_state, principal) => requireEditor(principal, input.collectivityId),
        command: { type: "OpenMatrix", matrixId, collectivityId: input.collectivityId, title: input.title, start },
        ownerId: input.collectivityId,
      },
      ctx,
    );
  }

  private async startOf(input: { fromCatalogue?: boolean | null; copyFromMatrixId?: string | null }, ctx: CommandContext): Promise<MatrixStart | null> {
    const fresh = (keys: string[]) => Object.fromEntries(keys.map((key) => [key, randomUUID()]));
    if (input.fromCatalogue && input.copyFromMatrixId != null) throw badInput("copyFromMatrixId", "start from the catalogue or from a matrix, not both");
    if (input.fromCatalogue) return { from: "CATALOGUE", ids: fresh(catalogueEntries("FACTOR").map((e) => e.key)) };
    if (input.copyFromMatrixId == null) return null;
    const source = (await this.matrices.load(input.copyFromMatrixId)).state;
    if (!source || !canSeeMatrix(ctx.principal, source)) {
      throw new DomainError("NOT_FOUND", `no matrix ${input.copyFromMatrixId} to copy`, { id: input.copyFromMatrixId, field: "copyFromMatrixId" });
    }
    const ids = [source.factors, source.strategies, source.initiatives, source.indicators].flatMap((entries) => Object.keys(entries));
    return { from: "MATRIX", source, ids: fresh(ids) };
  }

  /** Any command on an existing matrix: the caller must be allowed to edit its collectivity. */
  onMatrix(name: string, input: { matrixId: string } & object, command: MatrixCommand, ids: Ids, options: CommandOptions, ctx: CommandContext) {
    return this.execute(
      {
        repo: this.matrices,
        aggregateId: input.matrixId,
        name,
        input,
        options,
        ids: { matrixId: input.matrixId, ...ids },
        authorize: (state, principal) => {
          // A matrix the caller may not read answers as an unknown one would.
          if (state && !canSeeMatrix(principal, state)) throw notFound("matrix", input.matrixId);
          if (state) requireEditor(principal, state.collectivityId);
          else if (principal.role === "OBSERVER") throw new AccessError("FORBIDDEN", "an OBSERVER token may not change anything");
        },
        command,
      },
      ctx,
    );
  }

  // ---- history imported in bulk ---------------------------------------------

  /**
   * Registers a collectivity whose id and registration date come from
   * elsewhere (a synthetic network, an import). Admins only.
   */
  importCollectivity(command: Extract<CollectivityCommand, { type: "RegisterCollectivity" }>, occurredAt: Date, ctx: CommandContext) {
    return this.execute(
      {
        repo: this.collectivities,
        aggregateId: command.collectivityId,
        name: "importCollectivity",
        input: command,
        options: {},
        ids: { collectivityId: command.collectivityId },
        authorize: (_state, principal) => requireAdmin(principal),
        command,
        occurredAt,
        optimistic: true,
      },
      ctx,
    );
  }

  /**
   * A working session on a matrix, as history: its commands decided in turn
   * and appended together, dated `occurredAt`. Admins only; a session that
   * opens the matrix names its collectivity as owner.
   */
  importMatrixSession(matrixId: string, commands: [MatrixCommand, ...MatrixCommand[]], occurredAt: Date, ctx: CommandContext) {
    const [command, ...then] = commands;
    return this.execute(
      {
        repo: this.matrices,
        aggregateId: matrixId,
        name: "importMatrixSession",
        input: { matrixId, commands },
        options: {},
        ids: { matrixId },
        authorize: (_state, principal) => requireAdmin(principal),
        command,
        then,
        occurredAt,
        ownerId: command.type === "OpenMatrix" ? command.collectivityId : undefined,
        optimistic: true,
      },
      ctx,
    );
  }

  // ---- the network ---------------------------------------------------------

  /** Sets (or, with null, clears) the weight benchmarks give a catalogue factor for one kind. */
  setReferenceWeight(input: { kind: CollectivityKind; catalogueKey: string; weight: number | null }, options: CommandOptions, ctx: CommandContext) {
    return this.execute(
      {
        repo: this.referenceWeights,
        aggregateId: REFERENCE_WEIGHTS_ID,
        name: "setReferenceWeight",
        input,
        options,
        ids: {},
        authorize: (_state, principal) => requireAdmin(principal),
        command: { type: "SetReferenceWeight", ...input },
      },
      ctx,
    );
  }
}

function conflict(expected: number, actual: number): DomainError {
  return new DomainError("CONFLICT", `expected version ${expected} but the stream is at version ${actual}`, {
    expectedVersion: expected,
    actualVersion: actual,
  });
}
