// A clearly fictional network for a first start: three collectivities with
// matrices built from the catalogue and a little decision history, and a
// synthetic crowd of numbered peers with three years of history, so that
// peer groups and benchmarks have something to show. User-facing content
// stays in French, as the network writes it.
import type { CommandContext, CommandHandler } from "../app/commands.ts";
import { catalogueEntry } from "../domain/catalogue/index.ts";
import type { Accountability } from "../domain/matrix.ts";
import type { FactorKind, MatrixVisibility, StrategyStatus } from "../domain/types.ts";
import { writeSyntheticNetwork } from "../seed/write.ts";

/**
 * The demo's peers, by kind, drawn on the official territory (real kinds,
 * populations and places, fictional names): enough of every family
 * (communes, EPCI, départements, régions: all 18 of them) that each shows
 * released benchmark figures, at least those of the matrices they share
 * (k = 5 shared contributors), few enough for a first start on PGlite in
 * seconds.
 */
export const DEMO_PEER_KINDS = {
  COMMUNE: 130,
  COMMUNAUTE_DE_COMMUNES: 25,
  COMMUNAUTE_D_AGGLOMERATION: 35,
  DEPARTEMENT: 25,
  REGION: 18,
} as const;
export const DEMO_PEERS = Object.values(DEMO_PEER_KINDS).reduce((a, b) => a + b, 0);

/** Writers of the peers at once (see seedDemoNetwork). */
const DEMO_WRITERS = 16;

/** Who does what by when for a strategy, and what measures it. */
interface DemoPlan extends Partial<Accountability> {
  indicator?: { name: string; unit: string; baseline: number; target: number; value: number };
}

interface DemoCollectivity {
  name: string;
  kind: "COMMUNE" | "COMMUNAUTE_DE_COMMUNES" | "DEPARTEMENT";
  population: number;
  officialCode: string;
  financialPotentialPerCapita: number;
  regionCode: string;
  matrixTitle: string;
  factors: string[];
  strategies: { key: string; path: StrategyStatus[]; reason: string; plan?: DemoPlan }[];
  tools: { key: string; plan?: Partial<Accountability> }[];
  /** Published with this visibility; null leaves the matrix a draft. */
  visibility: MatrixVisibility | null;
}

export const DEMO_NETWORK: DemoCollectivity[] = [
  {
    name: "Commune fictive de Val-d'Exemple",
    kind: "COMMUNE",
    population: 12_480,
    officialCode: "200000008",
    financialPotentialPerCapita: 1_104.5,
    regionCode: "75",
    matrixTitle: "Diagnostic innovation 2026 (démonstration)",
    factors: ["S1", "S3", "W2", "W4", "O2", "O3", "T1", "T3"],
    strategies: [
      {
        key: "SO-S3-O3",
        path: ["ADOPTED", "IN_PROGRESS"],
        reason: "Validé en comité de direction",
        plan: {
          lead: "Direction générale des services",
          dueDate: "2027-06-30",
          budget: 45_000,
          progress: 35,
          indicator: { name: "Agents formés à la conduite de projet", unit: "agents", baseline: 0, target: 80, value: 28 },
        },
      },
      {
        key: "WO-W4-O2",
        path: ["ADOPTED"],
        reason: "Inscrit au budget primitif",
        plan: { lead: "Mission innovation", dueDate: "2027-12-31", budget: 20_000, progress: 10 },
      },
      { key: "WT-W2-T1", path: ["ABANDONED"], reason: "Reporté après les élections" },
      { key: "ST-S1-T3", path: [], reason: "" },
    ],
    tools: [{ key: "TOOL-SO-06", plan: { lead: "Laboratoire d'innovation publique", dueDate: "2027-03-31" } }, { key: "TOOL-WT-02" }],
    visibility: "PUBLIC",
  },
  {
    name: "Communauté de communes fictive des Coteaux-Imaginaires",
    kind: "COMMUNAUTE_DE_COMMUNES",
    population: 38_950,
    officialCode: "200000016",
    financialPotentialPerCapita: 412.75,
    regionCode: "84",
    matrixTitle: "Matrice SWOT du projet de territoire (démonstration)",
    factors: ["S2", "S4", "W1", "W3", "O1", "O2", "T2"],
    strategies: [
      {
        key: "SO-S2-O1",
        path: ["ADOPTED", "IN_PROGRESS", "DONE"],
        reason: "Projet de territoire voté",
        plan: {
          lead: "Pôle aménagement",
          dueDate: "2026-09-30",
          budget: 120_000,
          progress: 100,
          indicator: { name: "Communes membres associées", unit: "communes", baseline: 4, target: 22, value: 22 },
        },
      },
      {
        key: "WT-W1-T2",
        path: ["ADOPTED"],
        reason: "Observatoire partagé avec les communes membres",
        plan: { lead: "Service observation territoriale", dueDate: "2027-09-30", progress: 20 },
      },
      { key: "WO-W3-O2", path: [], reason: "" },
    ],
    tools: [{ key: "TOOL-ST-02", plan: { lead: "Chargée de mission innovation" } }],
    visibility: "NETWORK",
  },
  {
    name: "Département fictif de Terre-Démo",
    kind: "DEPARTEMENT",
    population: 542_300,
    officialCode: "200000024",
    financialPotentialPerCapita: 688.2,
    regionCode: "53",
    matrixTitle: "Capacité d'innovation de l'administration départementale (brouillon)",
    factors: ["S3", "W2", "O3", "T3"],
    strategies: [{ key: "WT-W2-T3", path: [], reason: "" }],
    tools: [],
    visibility: null,
  },
];

const factorKind = (key: string): FactorKind => catalogueEntry(key)!.factorKind!;

/** A strategy's plan as its comité de pilotage set it: the accountability, then its indicator with a first measure. */
async function setPlan(commands: CommandHandler, ctx: CommandContext, matrixId: string, strategyId: string, plan: DemoPlan): Promise<void> {
  const { indicator, ...accountability } = plan;
  await commands.onMatrix(
    "reviseStrategy",
    { matrixId },
    { type: "ReviseStrategy", matrixId, strategyId, ...accountability },
    { strategyId },
    { reason: "Plan d'action arrêté en comité de pilotage" },
    ctx,
  );
  if (!indicator) return;
  const { value, ...fields } = indicator;
  const indicatorId = crypto.randomUUID();
  await commands.onMatrix(
    "setIndicator",
    { matrixId },
    { type: "SetIndicator", matrixId, subjectId: strategyId, newIndicatorId: indicatorId, value, ...fields },
    { indicatorId },
    { reason: "Premier relevé" },
    ctx,
  );
}

/** Builds the demo network through the same commands as the API, so it has a real history. */
/** Loads the demo network; `signal` stops it between two collectivities (the process is stopping). */
export async function seedDemoNetwork(
  commands: CommandHandler,
  ctx: CommandContext,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const total = DEMO_NETWORK.length + DEMO_PEERS;
  let done = 0;
  for (const demo of DEMO_NETWORK) {
    signal?.throwIfAborted();
    const {
      ids: { collectivityId },
    } = await commands.registerCollectivity(
      {
        name: demo.name,
        kind: demo.kind,
        population: demo.population,
        officialCode: demo.officialCode,
        financialPotentialPerCapita: demo.financialPotentialPerCapita,
        regionCode: demo.regionCode,
      },
      {},
      ctx,
    );
    const {
      ids: { matrixId },
    } = await commands.openMatrix({ collectivityId: collectivityId!, title: demo.matrixTitle }, {}, ctx);
    const factorIds = new Map<string, string>();
    for (const key of demo.factors) {
      const entry = catalogueEntry(key)!;
      const factorId = crypto.randomUUID();
      await commands.onMatrix(
        "addFactor",
        { matrixId: matrixId! },
        { type: "AddFactor", matrixId: matrixId!, factorId, kind: factorKind(key), label: entry.label, description: entry.description, catalogueKey: key },
        { factorId },
        { reason: "Atelier de diagnostic avec l'équipe de direction" },
        ctx,
      );
      factorIds.set(key, factorId);
    }
    // An initiative serves a strategy of its own quadrant still in the plan.
    const strategies: { id: string; quadrant: string; inPlan: boolean }[] = [];
    for (const plan of demo.strategies) {
      const entry = catalogueEntry(plan.key)!;
      const strategyId = crypto.randomUUID();
      await commands.onMatrix(
        "proposeStrategy",
        { matrixId: matrixId! },
        {
          type: "ProposeStrategy",
          matrixId: matrixId!,
          strategyId,
          internalFactorId: factorIds.get(entry.internalFactorKey!)!,
          externalFactorId: factorIds.get(entry.externalFactorKey!)!,
          title: entry.label,
          catalogueKey: plan.key,
          priority: 2,
        },
        { strategyId },
        {},
        ctx,
      );
      for (const status of plan.path) {
        await commands.onMatrix(
          "changeStrategyStatus",
          { matrixId: matrixId! },
          { type: "ChangeStrategyStatus", matrixId: matrixId!, strategyId, status },
          { strategyId },
          { reason: plan.reason },
          ctx,
        );
      }
      if (plan.plan) await setPlan(commands, ctx, matrixId!, strategyId, plan.plan);
      strategies.push({ id: strategyId, quadrant: entry.quadrant!, inPlan: !plan.path.includes("ABANDONED") });
    }
    for (const { key, plan } of demo.tools) {
      const entry = catalogueEntry(key)!;
      const initiativeId = crypto.randomUUID();
      await commands.onMatrix(
        "addInitiative",
        { matrixId: matrixId! },
        {
          type: "AddInitiative",
          matrixId: matrixId!,
          initiativeId,
          title: entry.label,
          quadrant: entry.quadrant!,
          catalogueKey: key,
          strategyIds: strategies
            .filter((s) => s.quadrant === entry.quadrant && s.inPlan)
            .slice(0, 1)
            .map((s) => s.id),
          ...plan,
        },
        { initiativeId },
        {},
        ctx,
      );
    }
    if (demo.visibility) {
      await commands.onMatrix(
        "publishMatrix",
        { matrixId: matrixId! },
        { type: "PublishMatrix", matrixId: matrixId!, visibility: demo.visibility },
        {},
        { reason: "Présenté au conseil" },
        ctx,
      );
    }
    onProgress?.(++done, total);
  }
  // Writers share one connection's statements: on embedded PostgreSQL (a slow 2-core machine) the peers took
  // 101 s with one, 18 s with 64; sixteen take 19 s and still stop within seconds of Ctrl-C, each finishing
  // the collectivity it is writing.
  await writeSyntheticNetwork(
    commands,
    { collectivities: DEMO_PEERS, kinds: DEMO_PEER_KINDS, seed: 2026, now: new Date() },
    { concurrency: DEMO_WRITERS, ctx, signal, onProgress: (progress) => onProgress?.(done + progress.collectivities, total) },
  );
}
