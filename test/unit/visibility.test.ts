import { describe, expect, it } from "vitest";
import { canSeeMatrix, type Principal } from "../../src/auth/principal.ts";
import type { RecordedEvent } from "../../src/domain/events.ts";
import { evolveMatrix, readMatrixEvent } from "../../src/domain/matrix.ts";
import type { MatrixVisibility } from "../../src/domain/types.ts";

const token = (role: Principal["role"], collectivityId: string | null = null): Principal => ({ tokenId: "t", role, collectivityId, subject: role });
const admin = token("ADMIN");
const ownEditor = token("EDITOR", "c1");
const otherEditor = token("EDITOR", "c2");
const observer = token("OBSERVER");

describe("who reads a matrix", () => {
  const readers = (visibility: MatrixVisibility | null) =>
    Object.entries({ admin, ownEditor, otherEditor, observer, anonymous: null })
      .filter(([, who]) => canSeeMatrix(who, { collectivityId: "c1", visibility }))
      .map(([name]) => name);

  it("a draft and an AGGREGATES_ONLY matrix: its own editors and admins only", () => {
    expect(readers(null)).toEqual(["admin", "ownEditor"]);
    expect(readers("AGGREGATES_ONLY")).toEqual(["admin", "ownEditor"]);
  });

  it("NETWORK: every signed-in member; PUBLIC: anyone, without a token", () => {
    expect(readers("NETWORK")).toEqual(["admin", "ownEditor", "otherEditor", "observer"]);
    expect(readers("PUBLIC")).toEqual(["admin", "ownEditor", "otherEditor", "observer", "anonymous"]);
  });
});

describe("matrix events written before visibilities", () => {
  const stored = (version: number, type: string, data: unknown): RecordedEvent => ({
    type,
    data,
    streamId: "matrix-m1",
    version,
    position: `000000000000000${version}-0000000000000001`,
    occurredAt: new Date(`2026-01-0${version}T10:00:00Z`),
    actor: "ancien",
    reason: null,
  });

  it("an old MatrixPublished, which carried nothing, reads as NETWORK: every member read such a matrix then", () => {
    const events = [stored(1, "MatrixOpened", { matrixId: "m1", collectivityId: "c1", title: "Diagnostic 2025" }), stored(2, "MatrixPublished", {})].map(
      readMatrixEvent,
    );
    expect(events[1]!.data).toEqual({ visibility: "NETWORK" });
    const matrix = events.reduce(evolveMatrix, null);
    expect(matrix).toMatchObject({ status: "PUBLISHED", visibility: "NETWORK", publishedAt: "2026-01-02T10:00:00.000Z" });
  });

  it("today's MatrixPublished keeps the visibility it carries", () => {
    expect(readMatrixEvent(stored(2, "MatrixPublished", { visibility: "AGGREGATES_ONLY" })).data).toEqual({ visibility: "AGGREGATES_ONLY" });
  });
});
