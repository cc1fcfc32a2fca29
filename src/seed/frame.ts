// The real territory a synthetic network is drawn on: every commune and
// EPCI à fiscalité propre of the pinned millésime, every département and
// région, with their kinds, populations and places. A network draws its
// collectivities from it, so that its peer groups have their real sizes;
// their names and SIREN stay fictional (see synthetic.ts).
import { createHash } from "node:crypto";
import type { CollectivityKind } from "../domain/types.ts";
import type { TerritoryRows } from "../territory/cog.ts";
import { readTerritoryRows } from "../territory/import.ts";

/** A place in the directory a synthetic collectivity takes: its kind, population and places, not its name nor its codes. */
export interface Slot {
  /** Its directory code: what a seed's draw is keyed on. */
  code: string;
  kind: CollectivityKind;
  population: number;
  regionCode: string | null;
  departementCode: string | null;
  epciCode: string | null;
}

export interface DirectoryFrame {
  /** Per kind, in directory order. */
  slots: Map<CollectivityKind, Slot[]>;
  /** Every SIREN the directory holds: a synthetic one must be none of them. */
  realSirens: Set<string>;
}

/** The 101 départements: metropolitan ones and the five overseas (the collectivités d'outre-mer are neither départements nor régions). */
const DEPARTEMENT = /^(\d{2}|2A|2B|97[1-46])$/;

const EPCI_KINDS: Record<string, CollectivityKind> = {
  CC: "COMMUNAUTE_DE_COMMUNES",
  CA: "COMMUNAUTE_D_AGGLOMERATION",
  CU: "COMMUNAUTE_URBAINE",
  METRO: "METROPOLE",
  MET69: "METROPOLE",
};

/** The directory as slots: communes and EPCI with a population, départements and régions with their communes' population summed. */
export function directoryFrame(rows: TerritoryRows): DirectoryFrame {
  const communes = rows.communes.filter((c) => c.population !== null && c.population > 0);
  const people = (key: (c: (typeof communes)[number]) => string | null) => {
    const sums = new Map<string, number>();
    for (const c of communes) {
      const k = key(c);
      if (k) sums.set(k, (sums.get(k) ?? 0) + c.population!);
    }
    return sums;
  };
  const byRegion = people((c) => c.region_code);
  const byDepartement = people((c) => c.departement_code);
  const departements = rows.departements.filter((d) => DEPARTEMENT.test(d.code) && byDepartement.has(d.code));
  const regions = new Set(departements.map((d) => d.region_code));
  const slots = new Map<CollectivityKind, Slot[]>();
  const add = (slot: Slot) => slots.set(slot.kind, [...(slots.get(slot.kind) ?? []), slot]);
  for (const r of rows.regions) {
    if (regions.has(r.code))
      add({ code: r.code, kind: "REGION", population: byRegion.get(r.code)!, regionCode: r.code, departementCode: null, epciCode: null });
  }
  for (const d of departements) {
    add({ code: d.code, kind: "DEPARTEMENT", population: byDepartement.get(d.code)!, regionCode: d.region_code, departementCode: d.code, epciCode: null });
  }
  for (const e of rows.epci) {
    const kind = EPCI_KINDS[e.type];
    if (kind && e.population)
      add({ code: e.siren, kind, population: e.population, regionCode: e.region_code, departementCode: e.departement_code, epciCode: null });
  }
  const communeSlots = communes.map(
    (c): Slot => ({
      code: c.insee_code,
      kind: "COMMUNE",
      population: c.population!,
      regionCode: c.region_code,
      departementCode: c.departement_code,
      epciCode: c.epci_siren,
    }),
  );
  slots.set("COMMUNE", communeSlots);
  const realSirens = new Set([...rows.communes.flatMap((c) => c.siren ?? []), ...rows.epci.map((e) => e.siren)]);
  return { slots, realSirens };
}

let loaded: Promise<DirectoryFrame> | null = null;

/** The pinned millésime's frame, read once per process. */
export function loadDirectoryFrame(): Promise<DirectoryFrame> {
  loaded ??= readTerritoryRows().then(directoryFrame);
  return loaded;
}

const drawn = new WeakMap<DirectoryFrame, Map<string, Slot[]>>();

/** A kind's slots in the order a seed draws them: a network of n of that kind takes the first n. */
export function slotsInDrawOrder(frame: DirectoryFrame, kind: CollectivityKind, seed: number): Slot[] {
  const cache = drawn.get(frame) ?? new Map<string, Slot[]>();
  drawn.set(frame, cache);
  const key = `${kind}:${seed}`;
  if (!cache.has(key)) {
    const rank = (slot: Slot) => createHash("sha256").update(`${seed}:${slot.code}`).digest("hex");
    const ranked = (frame.slots.get(kind) ?? []).map((slot) => ({ slot, rank: rank(slot) }));
    cache.set(
      key,
      ranked.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0)).map((r) => r.slot),
    );
  }
  return cache.get(key)!;
}
