import { useEffect, useMemo, useState } from "react";
import { type OperationResult, useClient } from "urql";
import { Link } from "wouter";
import { TerritorySearch } from "../components/TerritorySearch.tsx";
import { COLLECTIVITY_KIND_LABELS, folded, frenchNumber } from "../french.ts";
import { graphql } from "../generated/gql.ts";
import type { CollectivitiesQuery } from "../generated/graphql.ts";
import { useSession } from "../session.ts";

const PAGE = graphql(`
  query Collectivities($after: String) {
    collectivities(first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id name kind population matrixCount } }
    }
  }
`);

type Page = CollectivitiesQuery["collectivities"];
type Row = Page["edges"][number]["node"];

/** Reads every page of the directory (a network holds hundreds, not millions), then filters as one types. */
function useDirectory(enabled: boolean) {
  const client = useClient();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    void (async () => {
      const all: Row[] = [];
      for (let after: string | null = null; ; ) {
        const result: OperationResult<CollectivitiesQuery> = await client.query(PAGE, { after }).toPromise();
        if (cancelled) return;
        if (result.error) return setError(result.error.message);
        const page: Page = result.data!.collectivities;
        all.push(...page.edges.map((e) => e.node));
        setRows([...all]);
        if (!page.pageInfo.hasNextPage) return;
        after = page.pageInfo.endCursor ?? null;
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [client, enabled]);
  return { rows, error };
}

export function Home() {
  const session = useSession();
  const { rows, error } = useDirectory(session.signedIn);
  const [search, setSearch] = useState("");
  const shown = useMemo(() => {
    const words = folded(search).split(/\s+/).filter(Boolean);
    const own = session.signedIn ? session.collectivityId : null;
    return (rows ?? [])
      .filter((r) => words.every((word) => folded(r.name).includes(word)))
      .sort((a, b) => Number(b.id === own) - Number(a.id === own) || a.name.localeCompare(b.name, "fr"));
  }, [rows, search, session]);

  useEffect(() => {
    document.title = "Collectivités du réseau — Pilotis";
  }, []);

  if (!session.signedIn) {
    return (
      <>
        <h1>Pilotis</h1>
        <p>Le diagnostic SWOT de la capacité d'innovation de chaque collectivité, ses stratégies croisées et le parangonnage entre pairs.</p>
        <p>
          <Link href="/connexion">Connectez-vous</Link> pour voir les collectivités du réseau.
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Collectivités du réseau</h1>
      <div className="search">
        <label htmlFor="recherche">Rechercher une collectivité</label>
        <input id="recherche" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="ex. Saint-Étienne" autoComplete="off" />
      </div>
      {error && (
        <p role="alert" className="error">
          Impossible de charger les collectivités : {error}
        </p>
      )}
      {rows === null && !error && <p aria-live="polite">Chargement…</p>}
      {rows !== null && (
        <p aria-live="polite">
          {shown.length} collectivité{shown.length > 1 ? "s" : ""}
        </p>
      )}
      <TerritorySearch canRegister={session.role === "ADMIN"} />
      <ul className="cards">
        {shown.map((r) => (
          <li key={r.id} className="card">
            <h2>
              <Link href={`/collectivites/${r.id}`}>{r.name}</Link>
            </h2>
            <p>
              {COLLECTIVITY_KIND_LABELS[r.kind]} · {frenchNumber(r.population, 0)} habitants
            </p>
            <p>
              {r.matrixCount ?? 0} matrice{(r.matrixCount ?? 0) > 1 ? "s" : ""}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
