import { describe, expect, it, vi } from "vitest";
import { CollectivityAggregate, MatrixAggregate } from "../../src/app/aggregates.ts";
import { type CommandContext, CommandHandler } from "../../src/app/commands.ts";
import { Repository } from "../../src/app/repository.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { MATRIX_STATE_VERSION } from "../../src/domain/matrix.ts";
import { matrixStream } from "../../src/domain/streams.ts";
import type { EventStore } from "../../src/eventstore/store.ts";
import { useEventStore } from "../support/store.ts";

const fx = useEventStore();
const admin: CommandContext = { principal: { tokenId: "t", role: "ADMIN", collectivityId: null, subject: "admin" } };

/** A fresh handler with cold caches, as another API process would be. */
function handler() {
  const collectivities = new Repository(fx.store, CollectivityAggregate);
  const matrices = new Repository(fx.store, MatrixAggregate);
  return { commands: new CommandHandler(fx.store, collectivities, matrices), collectivities, matrices };
}

const count = async () => (await fx.db.$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM events"))[0]!.n;

async function newMatrix(commands: CommandHandler) {
  const c = await commands.registerCollectivity({ name: "Commune", kind: "COMMUNE", population: 100 }, {}, admin);
  const m = await commands.openMatrix({ collectivityId: c.ids.collectivityId!, title: "M" }, {}, admin);
  return m.ids.matrixId!;
}

describe("command handling on the real database", () => {
  it("a replayed command id returns the first result and appends nothing, even when replays race", async () => {
    const { commands } = handler();
    const input = { name: "Commune idempotente", kind: "COMMUNE" as const, population: 500 };
    const before = await count();
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => handler().commands.registerCollectivity(input, { commandId: "register-1" }, admin)));
    expect(await count()).toBe(before + 1);
    const ids = new Set(outcomes.map((o) => o.ids.collectivityId));
    expect(ids.size).toBe(1);
    expect(new Set(outcomes.map((o) => o.position)).size).toBe(1);
    const again = await commands.registerCollectivity(input, { commandId: "register-1" }, admin);
    expect(again).toMatchObject({ replayed: true, ids: outcomes[0]!.ids, position: outcomes[0]!.position });
    expect(await count()).toBe(before + 1);
  });

  it("refuses a command id reused for a different command, writing nothing", async () => {
    const { commands } = handler();
    await commands.registerCollectivity({ name: "A", kind: "COMMUNE", population: 1 }, { commandId: "reused" }, admin);
    const before = await count();
    await expect(commands.registerCollectivity({ name: "B", kind: "COMMUNE", population: 1 }, { commandId: "reused" }, admin)).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      extensions: { field: "commandId" },
    });
    expect(await count()).toBe(before);
  });

  it("a stale expectedVersion is a CONFLICT with the actual version, and nothing is written", async () => {
    const { commands } = handler();
    const matrixId = await newMatrix(commands);
    const before = await count();
    const error = await commands
      .onMatrix("renameMatrix", { matrixId }, { type: "RenameMatrix", matrixId, title: "N" }, {}, { expectedVersion: 5 }, admin)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "CONFLICT", extensions: { actualVersion: 1 } });
    expect(await count()).toBe(before);
  });

  it("commands racing from cold processes without expectedVersion are all applied, each once", async () => {
    const matrixId = await newMatrix(handler().commands);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const factorId = `f-${i}`;
        return handler().commands.onMatrix(
          "addFactor",
          { matrixId },
          { type: "AddFactor", matrixId, factorId, kind: "STRENGTH", label: `F${i}` },
          { factorId },
          {},
          admin,
        );
      }),
    );
    const loaded = await handler().matrices.load(matrixId);
    expect(loaded.version).toBe(11);
    expect(Object.keys(loaded.state!.factors).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `f-${i}`).sort());
  });

  it("a command is decided on what its process last saw, reading no stream; moved by another process, it is decided again on the stream as read", async () => {
    const { commands } = handler();
    const matrixId = await newMatrix(commands);
    const add = (on: CommandHandler, factorId: string, options = {}) =>
      on.onMatrix("addFactor", { matrixId }, { type: "AddFactor", matrixId, factorId, kind: "STRENGTH", label: factorId }, { factorId }, options, admin);
    const reads = vi.spyOn(fx.store, "readStream");
    try {
      await add(commands, "mine");
      expect(reads).not.toHaveBeenCalled();
      await add(handler().commands, "theirs");
      reads.mockClear();
      // Its guess (version 2) is refused by the append's check: it reads the stream and decides again.
      const outcome = await add(commands, "mine-again");
      expect(reads).toHaveBeenCalled();
      expect(outcome.version).toBe(4);
      expect(Object.keys(outcome.state!.factors).sort()).toEqual(["mine", "mine-again", "theirs"]);
      // A caller's expectedVersion that the stream moved past is a CONFLICT, guess or not.
      await add(handler().commands, "theirs-again");
      await expect(add(commands, "late", { expectedVersion: 4 })).rejects.toMatchObject({ code: "CONFLICT", extensions: { actualVersion: 5 } });
    } finally {
      reads.mockRestore();
    }
  });

  it("a long stream loads from its snapshot and equals a full fold", async () => {
    const { commands, matrices } = handler();
    const matrixId = await newMatrix(commands);
    for (let i = 0; i < 120; i++) {
      const factorId = `g-${i % 5}`;
      const command =
        i < 5
          ? { type: "AddFactor" as const, matrixId, factorId, kind: "THREAT" as const, label: "x" }
          : { type: "ReviseFactor" as const, matrixId, factorId, weight: i };
      await commands.onMatrix("f", { matrixId }, command, { factorId }, {}, admin);
    }
    await matrices.flush();
    const info = await fx.store.streamInfo(matrixStream(matrixId));
    expect(info?.snapshotVersion).toBe(100);
    const cold = handler().matrices;
    const fromSnapshot = await cold.load(matrixId);
    const fullFold = await cold.loadAt(matrixId, {});
    expect(fromSnapshot).toEqual(fullFold);
    expect(fromSnapshot.state?.factors["g-4"]?.weight).toBe(119);
  });

  it("a version is folded from the nearest state held or stored before it, and equals a fold from the first event", async () => {
    const { commands, matrices } = handler();
    const matrixId = await newMatrix(commands);
    for (let i = 0; i < 119; i++) await commands.onMatrix("r", { matrixId }, { type: "RenameMatrix", matrixId, title: `Titre ${i}` }, {}, {}, admin);
    await matrices.flush();
    const read: number[] = [];
    const counting = Object.assign(Object.create(fx.store) as EventStore, {
      readStream: async (...args: Parameters<EventStore["readStream"]>) => {
        const events = await fx.store.readStream(...args);
        read.push(events.length);
        return events;
      },
    });
    const cold = new Repository(counting, MatrixAggregate);
    const fromFirst = async (toVersion: number) =>
      cold.fold({ state: null, version: 0, position: null }, await fx.store.readStream(matrixStream(matrixId), { toVersion }));
    // The snapshot (version 100) is the start for the versions after it, not for those before.
    expect(await cold.loadAt(matrixId, { toVersion: 110 })).toEqual(await fromFirst(110));
    expect(await cold.loadAt(matrixId, { toVersion: 90 })).toEqual(await fromFirst(90));
    expect(read).toEqual([10, 90]);
    // The newest state this process folded, when it is at or before the version asked.
    await cold.load(matrixId);
    read.length = 0;
    expect((await cold.loadAt(matrixId, { toVersion: 120 })).state?.title).toBe("Titre 118");
    expect(read).toEqual([]);
  });

  it("a snapshot that cannot be written is reported, and the command still succeeds", async () => {
    const failures: unknown[] = [];
    const store = Object.assign(Object.create(fx.store) as EventStore, { saveSnapshot: async () => Promise.reject(new Error("disque plein")) });
    const matrices = new Repository(store, MatrixAggregate, (error) => failures.push(error));
    const commands = new CommandHandler(store, new Repository(store, CollectivityAggregate), matrices);
    const matrixId = await newMatrix(commands);
    for (let i = 0; i < 50; i++) await commands.onMatrix("r", { matrixId }, { type: "RenameMatrix", matrixId, title: `T${i}` }, {}, {}, admin);
    await matrices.flush();
    expect(failures.map((e) => (e as Error).message)).toEqual(["disque plein"]);
    expect((await handler().matrices.load(matrixId)).state?.title).toBe("T49");
  });

  it("a snapshot is used only when it has the shape the code expects", async () => {
    const { commands, matrices } = handler();
    const matrixId = await newMatrix(commands);
    for (let i = 0; i < 55; i++) await commands.onMatrix("r", { matrixId }, { type: "RenameMatrix", matrixId, title: `Titre ${i}` }, {}, {}, admin);
    await matrices.flush();
    const stream = matrixStream(matrixId);
    expect(((await fx.store.streamInfo(stream))!.snapshot as { stateVersion: number }).stateVersion).toBe(MATRIX_STATE_VERSION);
    const tamper = (stateVersion: number) =>
      fx.db.$executeRawUnsafe(
        `UPDATE streams SET snapshot = jsonb_set(jsonb_set(snapshot, '{stateVersion}', to_jsonb($2::int)), '{state,collectivityId}', '"trace-du-snapshot"') WHERE stream_id = $1`,
        stream,
        stateVersion,
      );
    await tamper(MATRIX_STATE_VERSION);
    // The snapshot is what a cold load starts from (no event changes a matrix's collectivity).
    expect((await handler().matrices.load(matrixId)).state).toMatchObject({ collectivityId: "trace-du-snapshot", title: "Titre 54" });
    await tamper(MATRIX_STATE_VERSION + 1);
    // Another shape: folded from the first event.
    expect((await handler().matrices.load(matrixId)).state).toMatchObject({ collectivityId: expect.not.stringMatching("trace"), title: "Titre 54" });
  });

  it("time travel folds the stream up to a version or an instant", async () => {
    const { commands, matrices } = handler();
    const matrixId = await newMatrix(commands);
    const two = await commands.onMatrix("r", { matrixId }, { type: "RenameMatrix", matrixId, title: "Deux" }, {}, {}, admin);
    const between = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await commands.onMatrix("r", { matrixId }, { type: "RenameMatrix", matrixId, title: "Trois" }, {}, {}, admin);
    expect((await matrices.loadAt(matrixId, { toVersion: 1 })).state?.title).toBe("M");
    expect((await matrices.loadAt(matrixId, { until: between })).state?.title).toBe("Deux");
    // an event's own time, as the API shows it, includes that event
    expect((await matrices.loadAt(matrixId, { until: new Date(two.events[0]!.occurredAt.toISOString()) })).version).toBe(2);
    expect((await matrices.load(matrixId)).state?.title).toBe("Trois");
  });
});
