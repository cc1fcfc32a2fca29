import { useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";
import { Link, useLocation } from "wouter";
import { COLLECTIVITY_KIND_LABELS, frenchNumber } from "../french.ts";
import { graphql } from "../generated/gql.ts";
import { errorCode, errorMessage } from "../graphql.ts";

// The official territory as one types: any commune or EPCI à fiscalité
// propre, with its département and EPCI; an admin registers it in the
// network from here, the directory giving its name, kind and population.

const TERRITORY = graphql(`
  query TerritorySearch($search: String!) {
    territory(search: $search, first: 8) {
      inseeCode officialCode name kind population
      departement { name } epci { name } collectivity { id }
    }
  }
`);
const REGISTER = graphql(`mutation RegisterFromTerritory($input: RegisterCollectivityInput!) { registerCollectivity(input: $input) { collectivity { id } } }`);

/** What was typed, once the person paused: a search per pause, not per key. */
export function useSettled(value: string, ms = 200): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function TerritorySearch({ canRegister }: { canRegister: boolean }) {
  const [, navigate] = useLocation();
  const [typed, setTyped] = useState("");
  const search = useSettled(typed.trim());
  const [{ data, error, fetching }] = useQuery({ query: TERRITORY, variables: { search }, pause: search.length < 2 });
  const [problem, setProblem] = useState<string | null>(null);
  const [, register] = useMutation(REGISTER);
  const entries = search.length < 2 ? [] : (data?.territory ?? []);
  return (
    <section aria-labelledby="territoire" className="territory-search">
      <h2 id="territoire">Territoire officiel</h2>
      <label htmlFor="territoire-recherche">Chercher une commune ou une intercommunalité (nom, code INSEE, SIREN ou code postal)</label>
      <input id="territoire-recherche" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" placeholder="ex. st etienne" />
      {error && (
        <p role="alert" className="error">
          {errorCode(error) === "STALE" ? "Le territoire officiel est en cours de chargement : réessayez dans un instant." : errorMessage(error)}
        </p>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <p aria-live="polite" className="sr-status">
        {search.length >= 2 && !fetching && data ? `${entries.length} résultat${entries.length > 1 ? "s" : ""}` : ""}
      </p>
      <ul className="territory-results">
        {entries.map((e) => (
          <li key={`${e.kind}-${e.inseeCode}`}>
            <strong className="territory-name">{e.name}</strong> — {COLLECTIVITY_KIND_LABELS[e.kind]}
            {e.departement && <> · {e.departement.name}</>}
            {e.population !== null && <> · {frenchNumber(e.population, 0)} habitants</>}
            {e.epci && <> · {e.epci.name}</>}{" "}
            {e.collectivity ? (
              <Link href={`/collectivites/${e.collectivity.id}`}>Voir sa page</Link>
            ) : (
              canRegister && (
                <button
                  type="button"
                  className="small"
                  aria-label={`Inscrire ${e.name} dans le réseau`}
                  onClick={async () => {
                    const input = e.kind === "COMMUNE" ? { inseeCode: e.inseeCode } : { officialCode: e.officialCode };
                    const result = await register({ input });
                    if (result.error) return setProblem(errorMessage(result.error));
                    navigate(`/collectivites/${result.data!.registerCollectivity.collectivity.id}`);
                  }}
                >
                  Inscrire
                </button>
              )
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
