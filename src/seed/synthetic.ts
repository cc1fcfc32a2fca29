// A synthetic network of collectivities at national scale, for load and
// benchmark figures: deterministic for a given seed, each collectivity drawn
// from its own random stream (so the network does not depend on the order or
// the concurrency in which it is written). Each takes a real place of the
// official territory (frame.ts): its kind, population, région, département
// and EPCI, so that peer groups have their real sizes; its name and SIREN
// are fictional, and it carries no INSEE code, so that no real collectivity
// appears to have decided what it never decided. Names and labels stay in
// French.
import { createHash } from "node:crypto";
import { type CatalogueEntry, catalogueEntries } from "../domain/catalogue/index.ts";
import type { CollectivityCommand } from "../domain/collectivity.ts";
import type { MatrixCommand } from "../domain/matrix.ts";
import { sirenWithChecksum } from "../domain/siren.ts";
import type { CollectivityKind, FactorKind, MatrixVisibility, Quadrant, StrategyStatus } from "../domain/types.ts";
import { mulberry32 } from "../shared/random.ts";
import { type DirectoryFrame, slotsInDrawOrder } from "./frame.ts";

/** A synthetic collectivity is outside the official directory: every value given. */
type Register = Extract<CollectivityCommand, { type: "RegisterCollectivity" }> & { name: string; kind: CollectivityKind; population: number };

export interface MatrixSession {
  at: Date;
  commands: [MatrixCommand, ...MatrixCommand[]];
}

export interface CollectivityPlan {
  index: number;
  registeredAt: Date;
  register: Register;
  matrices: { matrixId: string; sessions: MatrixSession[] }[];
}

const DAY = 86_400_000;

/** Most collectivities keep the default and share aggregates only; a third open to the network, a few to everyone. */
const visibilityOf = (draw: number): MatrixVisibility => (draw < 0.55 ? "AGGREGATES_ONLY" : draw < 0.9 ? "NETWORK" : "PUBLIC");
const YEAR = 365 * DAY;

/** A random stream (mulberry32) from a seed and a name, so each collectivity has its own. */
export function randomStream(seed: number, name: string): () => number {
  return mulberry32(createHash("sha256").update(`${seed}:${name}`).digest().readUInt32LE(0));
}

/** A UUID derived from the seed and a name (the layout of a version 5 UUID). */
export function derivedId(seed: number, name: string): string {
  const hex = createHash("sha1").update(`pilotis-synthetic:${seed}:${name}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The kinds of a network: as its options say, or in the directory's proportions. */
export function countsOf(network: Network): Map<CollectivityKind, number> {
  if (!network.kinds) return kindCounts(network.collectivities, network.frame);
  const counts = new Map(Object.entries(network.kinds) as [CollectivityKind, number][]);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total !== network.collectivities) throw new Error(`kinds add up to ${total}, not ${network.collectivities}`);
  for (const [kind, count] of counts) {
    const real = network.frame.slots.get(kind)?.length ?? 0;
    if (count > real) throw new Error(`the official territory holds ${real} of kind ${kind}, not ${count}`);
  }
  return counts;
}

/** The size of the whole directory: a network of that size is the whole of France. */
export const directorySize = (frame: DirectoryFrame): number => [...frame.slots.values()].reduce((n, slots) => n + slots.length, 0);

/** How many of each kind in a network of n: the directory's mix scaled, at least one of each kind above communes; communes fill the rest. */
export function kindCounts(n: number, frame: DirectoryFrame): Map<CollectivityKind, number> {
  const size = directorySize(frame);
  if (n > size) throw new Error(`the official territory holds ${size} collectivities, fewer than ${n}`);
  const counts = new Map<CollectivityKind, number>();
  let others = 0;
  for (const [kind, slots] of frame.slots) {
    if (kind === "COMMUNE") continue;
    const count = Math.min(slots.length, Math.max(1, Math.round((n * slots.length) / size)));
    counts.set(kind, count);
    others += count;
  }
  counts.set("COMMUNE", Math.max(0, n - others));
  return counts;
}

function kindAt(index: number, counts: Map<CollectivityKind, number>): { kind: CollectivityKind; rank: number } {
  let start = 0;
  for (const [kind, count] of counts) {
    if (index < start + count) return { kind, rank: index - start };
    start += count;
  }
  throw new Error(`index ${index} is outside the network`);
}

/** Log-normal: the median and the spread of its logarithm. Potentials are skewed this way. */
function logNormal(next: () => number, median: number, sigma: number): number {
  const gaussian = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return median * Math.exp(sigma * gaussian);
}

// Potentiel financier per inhabitant (euros): median and spread per kind.
const POTENTIAL: Record<CollectivityKind, [number, number]> = {
  COMMUNE: [850, 0.35],
  COMMUNE_NOUVELLE: [800, 0.3],
  COMMUNAUTE_DE_COMMUNES: [330, 0.3],
  COMMUNAUTE_D_AGGLOMERATION: [400, 0.25],
  COMMUNAUTE_URBAINE: [450, 0.2],
  METROPOLE: [520, 0.2],
  ETABLISSEMENT_PUBLIC_TERRITORIAL: [600, 0.25],
  DEPARTEMENT: [700, 0.2],
  COLLECTIVITE_A_STATUT_PARTICULIER: [900, 0.3],
  REGION: [300, 0.15],
};

// INSEE: communes 21…, départements 22…, régions 23…, EPCI 24…, others 20….
const SIREN_PREFIX: Record<CollectivityKind, string> = {
  COMMUNE: "21",
  COMMUNE_NOUVELLE: "21",
  COMMUNAUTE_DE_COMMUNES: "24",
  COMMUNAUTE_D_AGGLOMERATION: "24",
  COMMUNAUTE_URBAINE: "24",
  METROPOLE: "24",
  ETABLISSEMENT_PUBLIC_TERRITORIAL: "20",
  DEPARTEMENT: "22",
  COLLECTIVITE_A_STATUT_PARTICULIER: "20",
  REGION: "23",
};

const ROOTS = ["Mont", "Val", "Bourg", "Fontaine", "Champ", "Roche", "Lac", "Bois", "Pré", "Château", "Pont", "Lande", "Rivière", "Chêne", "Vigne"];
const ENDINGS = ["", "", "-sur-Loire", "-en-Bresse", "-le-Grand", "-les-Bains", "-sur-Mer", "-en-Vexin", "-la-Forêt", "-d'Arrée"];
const NAMED: Partial<Record<CollectivityKind, string>> = {
  COMMUNAUTE_DE_COMMUNES: "Communauté de communes",
  COMMUNAUTE_D_AGGLOMERATION: "Communauté d'agglomération",
  COMMUNAUTE_URBAINE: "Communauté urbaine",
  METROPOLE: "Métropole",
  ETABLISSEMENT_PUBLIC_TERRITORIAL: "Établissement public territorial",
  DEPARTEMENT: "Département",
  COLLECTIVITE_A_STATUT_PARTICULIER: "Collectivité",
  REGION: "Région",
};

function nameOf(kind: CollectivityKind, rank: number, pick: <T>(items: readonly T[]) => T): string {
  const place = `${pick(["", "Saint-", "Sainte-", "Villeneuve-", "Beau"])}${pick(ROOTS)}${pick(ENDINGS)}`;
  const prefix = NAMED[kind];
  return prefix ? `${prefix} de ${place} ${rank + 1}` : `${place} ${rank + 1}`;
}

export interface NetworkOptions {
  collectivities: number;
  /** How many of each kind, where the national proportions would leave a family too thin (the demo); they must add up to `collectivities`. */
  kinds?: Partial<Record<CollectivityKind, number>>;
  seed: number;
  /** The end of the three years of history. */
  now: Date;
}

/** A network's options and the territory it is drawn on. */
export interface Network extends NetworkOptions {
  frame: DirectoryFrame;
}

/**
 * A SIREN of the kind's range, unique in the network (its index), and none
 * a real collectivity holds: theirs read the kind's range, the département,
 * then 0 (Saint-Étienne: 21 42 0 218, then the Luhn digit), where these read 9.
 */
function fictionalSiren(kind: CollectivityKind, index: number, frame: DirectoryFrame): string {
  const digits = String(index).padStart(5, "0");
  const siren = sirenWithChecksum(`${SIREN_PREFIX[kind]}${digits.slice(0, 2)}9${digits.slice(2)}`);
  if (frame.realSirens.has(siren)) throw new Error(`the fictional SIREN ${siren} is a real one`);
  return siren;
}

/** A collectivity of the network: who it is and when it joined. Cheap: no matrices drawn. */
export function profileAt(index: number, network: Network, counts = countsOf(network)) {
  const next = randomStream(network.seed, `collectivity:${index}`);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const { kind, rank } = kindAt(index, counts);
  const slot = slotsInDrawOrder(network.frame, kind, network.seed)[rank]!;
  const { population } = slot;
  const [potentialMedian, potentialSigma] = POTENTIAL[kind];
  // Larger communes tend to be richer per inhabitant; a few have declared nothing.
  const scale = kind === "COMMUNE" ? 1 + 0.06 * Math.log10(population / 500) : 1;
  const declared = kind !== "COMMUNE" || next() > 0.03;
  const register: Register = {
    type: "RegisterCollectivity",
    collectivityId: derivedId(network.seed, `collectivity:${index}`),
    name: nameOf(kind, rank, pick),
    kind,
    population,
    officialCode: fictionalSiren(kind, index, network.frame),
    financialPotentialPerCapita: declared ? Math.round(logNormal(next, potentialMedian * scale, potentialSigma) * 100) / 100 : null,
    regionCode: slot.regionCode,
    departementCode: slot.departementCode,
    epciCode: slot.epciCode,
  };
  const registeredAt = new Date(network.now.getTime() - 3 * YEAR - next() * 30 * DAY);
  return { register, registeredAt, next, pick };
}

const FACTORS = catalogueEntries("FACTOR");
const STRATEGIES = catalogueEntries("STRATEGY");
const TOOLS = catalogueEntries("TOOL");

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** How far a strategy or initiative goes, given how engaged the collectivity is (0..1). */
function finalStatus(next: () => number, engagement: number): StrategyStatus {
  const roll = next();
  if (roll < 0.1) return "ABANDONED";
  const progress = next() * 0.7 + engagement * 0.5;
  if (progress < 0.35) return "PROPOSED";
  if (progress < 0.6) return "ADOPTED";
  if (progress < 0.85) return "IN_PROGRESS";
  return "DONE";
}

const STEPS: Record<StrategyStatus, StrategyStatus[]> = {
  PROPOSED: [],
  ADOPTED: ["ADOPTED"],
  IN_PROGRESS: ["ADOPTED", "IN_PROGRESS"],
  DONE: ["ADOPTED", "IN_PROGRESS", "DONE"],
  ABANDONED: ["ADOPTED", "ABANDONED"],
};

/**
 * One matrix's history over [from, until]: a first session that opens it and
 * sets out factors, strategies and initiatives, its publication (three times
 * in four), then status changes spread over the months, grouped by the day
 * they were taken. Plausible correlations: small or poor collectivities hold
 * the weaknesses of scarce resources more often and get less far; bigger
 * ones diagnose more factors and propose more strategies.
 */
function matrixHistory(
  matrixId: string,
  collectivityId: string,
  profile: { population: number; wealth: number },
  span: { from: number; until: number },
  next: () => number,
  archive: boolean,
): MatrixSession[] {
  const size = Math.min(1, Math.max(0, Math.log10(profile.population) / 6));
  const engagement = Math.min(1, Math.max(0, 0.35 * size + 0.45 * profile.wealth + 0.3 * next()));
  const chance = (f: CatalogueEntry) => {
    if (f.key === "W4") return 0.75 - 0.4 * profile.wealth;
    if (f.key === "S2") return 0.3 + 0.4 * profile.wealth;
    if (f.key === "W2") return 0.35 + 0.3 * size;
    return 0.25 + 0.3 * size;
  };
  let held = FACTORS.filter((f) => next() < chance(f));
  for (const kind of ["STRENGTH", "WEAKNESS", "OPPORTUNITY", "THREAT"] as FactorKind[]) {
    if (!held.some((f) => f.factorKind === kind)) held.push(FACTORS.filter((f) => f.factorKind === kind)[Math.floor(next() * 3)]!);
  }
  held = FACTORS.filter((f) => held.includes(f));
  const commands: MatrixCommand[] = [{ type: "OpenMatrix", matrixId, collectivityId, title: "Diagnostic de la capacité à innover" }];
  const factorIds = new Map<string, string>();
  held.forEach((f, i) => {
    const factorId = `f${i + 1}`;
    factorIds.set(f.key, factorId);
    commands.push({
      type: "AddFactor",
      matrixId,
      factorId,
      kind: f.factorKind!,
      label: f.label,
      catalogueKey: f.key,
      weight: 1 + Math.floor(next() * 3),
      rating: 1 + Math.floor(next() * 4),
    });
  });
  if (next() < 0.4) {
    commands.push({
      type: "AddFactor",
      matrixId,
      factorId: "own-1",
      kind: next() < 0.5 ? "OPPORTUNITY" : "WEAKNESS",
      label: "Facteur propre au territoire",
      rating: 2 + Math.floor(next() * 2),
    });
  }
  const crossings = STRATEGIES.filter((s) => factorIds.has(s.internalFactorKey!) && factorIds.has(s.externalFactorKey!));
  const wanted = Math.min(crossings.length, 2 + Math.floor(size * 4 + next() * 3));
  const chosen = shuffled(crossings, next).slice(0, wanted);
  const progress: { at: number; command: MatrixCommand }[] = [];
  const opened = span.from;
  // The n-th step of a path (at most three) falls in the n-th third of the span, so decisions run up to the last weeks.
  const step = (n: number) => opened + ((n + next()) / 3) * (span.until - opened);
  chosen.forEach((s, i) => {
    const strategyId = `s${i + 1}`;
    commands.push({
      type: "ProposeStrategy",
      matrixId,
      strategyId,
      internalFactorId: factorIds.get(s.internalFactorKey!)!,
      externalFactorId: factorIds.get(s.externalFactorKey!)!,
      title: s.label,
      catalogueKey: s.key,
      priority: 1 + Math.floor(next() * 3),
    });
    for (const [n, status] of STEPS[finalStatus(next, engagement)].entries())
      progress.push({ at: step(n), command: { type: "ChangeStrategyStatus", matrixId, strategyId, status } });
  });
  const adoptedQuadrants = new Set(chosen.map((s) => s.quadrant as Quadrant));
  const tools = shuffled(
    TOOLS.filter((t) => adoptedQuadrants.has(t.quadrant!)),
    next,
  ).slice(0, Math.floor(next() * 4));
  tools.forEach((t, i) => {
    const initiativeId = `i${i + 1}`;
    commands.push({ type: "AddInitiative", matrixId, initiativeId, title: t.label, quadrant: t.quadrant!, catalogueKey: t.key });
    for (const [n, status] of STEPS[finalStatus(next, engagement)].entries())
      progress.push({ at: step(n), command: { type: "ChangeInitiativeStatus", matrixId, initiativeId, status } });
  });
  const sessions: MatrixSession[] = [{ at: new Date(opened), commands: commands as MatrixSession["commands"] }];
  if (archive || next() < 0.75) {
    progress.push({ at: opened + (20 + next() * 100) * DAY, command: { type: "PublishMatrix", matrixId, visibility: visibilityOf(next()) } });
  }
  if (archive) progress.push({ at: span.until, command: { type: "ArchiveMatrix", matrixId } });
  // One session per day; within a day, and for one subject, in the order the steps were drawn.
  const byDay = new Map<number, MatrixCommand[]>();
  progress.sort((a, b) => a.at - b.at);
  for (const { at, command } of progress) {
    const day = Math.min(Math.floor(at / DAY), Math.floor(span.until / DAY));
    byDay.set(day, [...(byDay.get(day) ?? []), command]);
  }
  let last = opened;
  for (const [day, dayCommands] of [...byDay].sort(([a], [b]) => a - b)) {
    // At ten in the morning, or just after the session before when that was later the same day.
    last = Math.max(day * DAY + 10 * 3_600_000, last + 60_000);
    sessions.push({ at: new Date(last), commands: dayCommands as MatrixSession["commands"] });
  }
  return sessions;
}

/**
 * The whole plan of one collectivity: its registration and the history of
 * its matrices over three years. One in five started a first matrix that it
 * later archived when it opened the current one.
 */
export function collectivityPlan(index: number, options: Network, counts = countsOf(options)): CollectivityPlan {
  const { register, registeredAt, next } = profileAt(index, options, counts);
  const [median] = POTENTIAL[register.kind];
  const potential = register.financialPotentialPerCapita ?? null;
  const wealth = potential === null ? 0.5 : Math.min(1, Math.max(0, 0.5 + Math.log(potential / median)));
  const profile = { population: register.population, wealth };
  const start = registeredAt.getTime() + DAY;
  const end = options.now.getTime() - DAY;
  const matrices: CollectivityPlan["matrices"] = [];
  if (next() < (register.kind === "COMMUNE" ? 0.9 : 0.97)) {
    const twice = next() < 0.2;
    const middle = start + (end - start) * (0.4 + 0.2 * next());
    if (twice) {
      const matrixId = derivedId(options.seed, `matrix:${index}:1`);
      matrices.push({
        matrixId,
        sessions: matrixHistory(matrixId, register.collectivityId, profile, { from: start + next() * 60 * DAY, until: middle }, next, true),
      });
    }
    const matrixId = derivedId(options.seed, `matrix:${index}:${twice ? 2 : 1}`);
    const from = twice ? middle + DAY : start + next() * 0.5 * YEAR;
    matrices.push({ matrixId, sessions: matrixHistory(matrixId, register.collectivityId, profile, { from, until: end }, next, false) });
  }
  return { index, registeredAt, register, matrices };
}
