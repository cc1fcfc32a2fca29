import * as Plot from "@observablehq/plot";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useQuery, useSubscription } from "urql";
import { Link } from "wouter";
import { Chart } from "../components/Chart.tsx";
import { PlaceChoice, placeInput, placesOf } from "../components/PlaceChoice.tsx";
import { frenchDate, frenchNumber, METRIC_LABELS } from "../french.ts";
import { graphql } from "../generated/gql.ts";
import type { CollectivityKind, GroupBenchmarkQuery } from "../generated/graphql.ts";
import { errorMessage } from "../graphql.ts";
import { useSession } from "../session.ts";

type Metric = keyof typeof METRIC_LABELS;
interface GroupKey {
  kinds: CollectivityKind[] | null;
  populationStratum: string | null;
  wealthQuartile: number | null;
}
type Answer = GroupBenchmarkQuery["benchmark"];
type MetricRow = NonNullable<Answer["metrics"]>[number];
type Prevalence = NonNullable<Answer["factorPrevalence"]>[number];

const GROUPS = graphql(`query PeerGroups { peerGroups { kinds populationStratum wealthQuartile label size } }`);
const OWN = graphql(`query OwnCollectivity($id: ID!) { collectivity(id: $id) {
  id kind inseeCode name
  departement { code name } region { code name } epci { inseeCode name }
  benchmark { peerGroup { kinds populationStratum wealthQuartile } }
  matrices { id status factors { catalogueKey label } }
} }`);
const MINE = graphql(
  `query MyStanding($id: ID!, $g: PeerGroupInput) { collectivity(id: $id) { id benchmark(peerGroup: $g) { peerGroup { label } metrics { metric value } } } }`,
);
const BENCHMARK = graphql(`query GroupBenchmark($g: PeerGroupInput!) { benchmark(peerGroup: $g) {
  peerGroup { label size }
  suppressed suppressedReason contributors
  privacy { mechanism epsilon releasedAt nextReleaseAt }
  factorPrevalence { entry { key label } count share }
  strategyAdoption { entry { key label } count share }
  metrics { metric mean p25 median p75 }
} }`);
const UPDATED = graphql(`subscription BenchmarkUpdated($g: PeerGroupInput) { benchmarkUpdated(peerGroup: $g) { contributors } }`);
const PRACTICES = graphql(`query PeerPractices($m: ID!, $f: String!, $g: PeerGroupInput) { peerPractices(matrixId: $m, factorKey: $f, peerGroup: $g) {
  suppressed peersWithFactor strategies { entry { key label } adopted inProgress done uptake }
} }`);

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const keyOf = (g: GroupKey) => `${g.kinds?.join(",") ?? "*"}|${g.populationStratum ?? "*"}|${g.wealthQuartile ?? "*"}`;
const fromKey = (key: string): GroupKey => {
  const [kinds, stratum, quartile] = key.split("|");
  return {
    kinds: kinds === "*" ? null : (kinds!.split(",") as CollectivityKind[]),
    populationStratum: stratum === "*" ? null : stratum!,
    wealthQuartile: quartile === "*" ? null : Number(quartile),
  };
};
/** A place cut by stratum or quartile, or an EPCI's communes: computed when asked, never announced (see the API's README). */
const announced = (g: GroupKey, place: string) => place === "" || (!place.startsWith("E") && g.populationStratum === null && g.wealthQuartile === null);

function shares(list: Prevalence[], title: string) {
  const top = [...list].sort((a, b) => b.share - a.share).slice(0, 14);
  return () =>
    Plot.plot({
      ariaLabel: title,
      marginLeft: 220,
      width: 720,
      x: { label: "part des contributeurs (%)", domain: [0, 100], grid: true },
      y: { label: null },
      marks: [
        Plot.barX(top, { x: (d: Prevalence) => d.share * 100, y: (d: Prevalence) => d.entry.label.slice(0, 40), fill: "#000091", sort: { y: "-x" } }),
        Plot.ruleX([0]),
      ],
    });
}

/** Among peers who share one of its matrix's catalogue factors, what they adopted. */
function Practices({ matrixId, factors, group }: { matrixId: string; factors: { key: string; label: string }[]; group: object }) {
  const [factor, setFactor] = useState(factors[0]!.key);
  const [{ data, error }] = useQuery({ query: PRACTICES, variables: { m: matrixId, f: factor, g: group } });
  const practices = data?.peerPractices;
  return (
    <section aria-labelledby="pratiques">
      <h2 id="pratiques">Pratiques des pairs</h2>
      <label htmlFor="facteur">Parmi les pairs qui partagent le facteur</label>
      <select id="facteur" value={factor} onChange={(e) => setFactor(e.target.value)}>
        {factors.map((f) => (
          <option key={f.key} value={f.key}>
            {f.key} — {f.label}
          </option>
        ))}
      </select>
      {error && <p className="error">{errorMessage(error)}</p>}
      {practices?.suppressed && <p>Trop peu de pairs partagent ce facteur pour montrer leurs pratiques.</p>}
      {practices && !practices.suppressed && (
        <table>
          <caption>{practices.peersWithFactor} pairs partagent ce facteur</caption>
          <thead>
            <tr>
              <th scope="col">Stratégie</th>
              <th scope="col">Adoptée</th>
              <th scope="col">En cours</th>
              <th scope="col">Réalisée</th>
            </tr>
          </thead>
          <tbody>
            {(practices.strategies ?? []).slice(0, 10).map((s) => (
              <tr key={s.entry.key}>
                <th scope="row">{s.entry.label}</th>
                <td>{s.adopted}</td>
                <td>{s.inProgress}</td>
                <td>{s.done}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function Benchmarks() {
  const session = useSession();
  const own = session.signedIn ? session.collectivityId : null;
  const [{ data: groups }] = useQuery({ query: GROUPS, pause: !session.signedIn });
  const [{ data: ownData }] = useQuery({ query: OWN, variables: { id: own ?? "" }, pause: !own });
  const [chosen, setChosen] = useState<string | null>(null);
  const [place, setPlace] = useState("");
  // By default, the finest of its own groups whose figures are released (the API picks it); else the whole network.
  const released = ownData?.collectivity?.benchmark?.peerGroup;
  const groupKey = chosen ?? (released ? keyOf(released) : "*|*|*");
  const kindsAndSize = useMemo(() => fromKey(groupKey), [groupKey]);
  const group = useMemo(() => ({ ...kindsAndSize, ...placeInput(place) }), [kindsAndSize, place]);
  const ownPlaces = useMemo(() => (ownData?.collectivity ? placesOf(ownData.collectivity) : []), [ownData]);
  const [{ data, error }, refetch] = useQuery({ query: BENCHMARK, variables: { g: group }, pause: !session.signedIn });
  const [{ data: mine }] = useQuery({ query: MINE, variables: { id: own ?? "", g: group }, pause: !own });
  useSubscription({ query: UPDATED, variables: { g: group }, pause: !session.signedIn || !announced(kindsAndSize, place) }, () => {
    refetch({ requestPolicy: "network-only" });
    return null;
  });
  useEffect(() => {
    document.title = "Parangonnage — Pilotis";
  }, []);
  const b = data?.benchmark;
  const you = useMemo(
    () =>
      new Map<Metric, number | null>((mine?.collectivity?.benchmark?.metrics ?? []).map((m: { metric: Metric; value: number | null }) => [m.metric, m.value])),
    [mine],
  );
  const metricsChart = useCallback(() => {
    const rows: MetricRow[] = b?.metrics ?? [];
    const present = rows.filter((r) => r.median !== null);
    return Plot.plot({
      ariaLabel: "Distribution de chaque indicateur chez les pairs : quartiles, médiane, et vous",
      marginLeft: 240,
      width: 720,
      x: { label: "valeur", grid: true },
      y: { label: null },
      facet: undefined,
      marks: [
        Plot.ruleY(present, { y: (d: MetricRow) => METRIC_LABELS[d.metric], x1: "p25", x2: "p75", stroke: "#6a6af4", strokeWidth: 10 }),
        Plot.tickX(present, { y: (d: MetricRow) => METRIC_LABELS[d.metric], x: "median", stroke: "#000091", strokeWidth: 3 }),
        Plot.dot(
          present.filter((d) => you.get(d.metric) != null),
          { y: (d: MetricRow) => METRIC_LABELS[d.metric], x: (d: MetricRow) => you.get(d.metric), fill: "#ce0500", r: 6, title: () => "vous" },
        ),
        Plot.text(
          present.filter((d) => you.get(d.metric) != null),
          { y: (d: MetricRow) => METRIC_LABELS[d.metric], x: (d: MetricRow) => you.get(d.metric), text: () => "vous", dy: -12, fill: "#ce0500" },
        ),
      ],
    });
  }, [b, you]);
  const prevalenceChart = useMemo(() => shares(b?.factorPrevalence ?? [], "Part des pairs qui retiennent chaque facteur du catalogue"), [b]);
  const adoptionChart = useMemo(() => shares(b?.strategyAdoption ?? [], "Part des pairs qui ont adopté chaque stratégie du catalogue"), [b]);

  if (!session.signedIn)
    return (
      <p>
        <Link href="/connexion">Connectez-vous</Link> pour voir le parangonnage.
      </p>
    );
  const ownMatrix = ownData?.collectivity?.matrices.find((m) => m.status === "PUBLISHED");
  const ownFactors = (ownMatrix?.factors ?? []).flatMap((f) => (f.catalogueKey ? [{ key: f.catalogueKey, label: f.label }] : []));
  return (
    <>
      <h1>Parangonnage</h1>
      <label htmlFor="groupe">Groupe de pairs</label>
      <select id="groupe" value={groupKey} onChange={(e) => setChosen(e.target.value)}>
        {!groups?.peerGroups.some((g: GroupKey) => keyOf(g) === groupKey) && <option value={groupKey}>{b?.peerGroup.label ?? "…"}</option>}
        {(groups?.peerGroups ?? []).map((g) => (
          <option key={keyOf(g)} value={keyOf(g)}>
            {g.label} ({g.size})
          </option>
        ))}
      </select>
      <PlaceChoice own={ownPlaces} value={place} onChange={setPlace} />
      {error && (
        <p role="alert" className="error">
          {errorMessage(error)}
        </p>
      )}
      {b && (
        <section aria-labelledby="chiffres" aria-live="polite">
          <h2 id="chiffres">{b.peerGroup.label}</h2>
          <p>
            {b.peerGroup.size} collectivité{b.peerGroup.size > 1 ? "s" : ""} dans le groupe
            {b.contributors !== null && (
              <>
                , {b.contributors} contributrice{b.contributors > 1 ? "s" : ""}
              </>
            )}
            .{b.privacy.releasedAt && <> Chiffres publiés le {frenchDate(b.privacy.releasedAt)}</>}
            {b.privacy.nextReleaseAt && <>, prochaine publication le {frenchDate(b.privacy.nextReleaseAt)}</>}.
            {b.privacy.epsilon !== null ? (
              <>
                {" "}
                Protection : {b.privacy.mechanism} (ε = {frenchNumber(b.privacy.epsilon)}).
              </>
            ) : (
              !b.suppressed && <> {capitalised(b.privacy.mechanism)}.</>
            )}
          </p>
          {b.suppressed ? (
            <p className="notice" role="status">
              {capitalised(b.suppressedReason ?? "chiffres masqués")}.
            </p>
          ) : (
            <>
              <h3>Indicateurs</h3>
              <Chart draw={metricsChart} />
              <h3>Facteurs retenus</h3>
              <Chart draw={prevalenceChart} />
              <h3>Stratégies adoptées</h3>
              <Chart draw={adoptionChart} />
            </>
          )}
        </section>
      )}
      {ownMatrix && ownFactors.length > 0 && <Practices matrixId={ownMatrix.id} factors={ownFactors} group={group} />}
    </>
  );
}
