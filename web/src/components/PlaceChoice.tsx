import { useState } from "react";
import { useQuery } from "urql";
import { graphql } from "../generated/gql.ts";
import { errorCode, errorMessage } from "../graphql.ts";
import { useSettled } from "./TerritorySearch.tsx";

// Where peers are compared: all of France, or a région, a département or
// an EPCI's communes. One's own collectivity's places come first; any other
// is found by typing a commune or an EPCI and taking one of its places.

export interface Place {
  /** 'R84', 'D69', 'E200046977': as the group keys of the API spell them. */
  key: string;
  label: string;
}

interface Area {
  code: string;
  name: string;
}
interface Located {
  kind: string;
  inseeCode: string | null;
  name: string;
  departement?: Area | null;
  region?: Area | null;
  epci?: { inseeCode: string; name: string } | null;
}

const SEARCH = graphql(`
  query PlaceSearch($search: String!) {
    territory(search: $search, first: 5) { kind inseeCode name departement { code name } region { code name } epci { inseeCode name } }
  }
`);

const EPCI_KINDS = ["COMMUNAUTE_DE_COMMUNES", "COMMUNAUTE_D_AGGLOMERATION", "COMMUNAUTE_URBAINE", "METROPOLE"];

/** The places an entry of the territory sits in, widest last. */
export function placesOf(entry: Located): Place[] {
  const isEpci = EPCI_KINDS.includes(entry.kind);
  const epci = isEpci ? (entry.inseeCode ? { inseeCode: entry.inseeCode, name: entry.name } : null) : entry.epci;
  return [
    ...(epci ? [{ key: `E${epci.inseeCode}`, label: `Intercommunalité : ${epci.name}` }] : []),
    ...(entry.departement ? [{ key: `D${entry.departement.code}`, label: `Département : ${entry.departement.name}` }] : []),
    ...(entry.region ? [{ key: `R${entry.region.code}`, label: `Région : ${entry.region.name}` }] : []),
  ];
}

/** The PeerGroupInput fields of a place's key. */
export function placeInput(key: string): { regionCode?: string; departementCode?: string; epciCode?: string } {
  const code = key.slice(1);
  if (key.startsWith("R")) return { regionCode: code };
  if (key.startsWith("D")) return { departementCode: code };
  if (key.startsWith("E")) return { epciCode: code };
  return {};
}

export function PlaceChoice({ own, value, onChange }: { own: Place[]; value: string; onChange: (place: string) => void }) {
  const [known, setKnown] = useState<Place[]>([]);
  const [typed, setTyped] = useState("");
  const search = useSettled(typed.trim());
  const [{ data, error }] = useQuery({ query: SEARCH, variables: { search }, pause: search.length < 2 });
  const options = [...own, ...known.filter((p) => !own.some((o) => o.key === p.key))];
  const choose = (place: Place) => {
    setKnown((list) => [place, ...list.filter((p) => p.key !== place.key)]);
    setTyped("");
    onChange(place.key);
  };
  return (
    <fieldset className="place-choice">
      <legend>Territoire</legend>
      <label htmlFor="territoire-pairs">Comparer avec les pairs de</label>
      <select id="territoire-pairs" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Toute la France</option>
        {options.map((p) => (
          <option key={p.key} value={p.key}>
            {p.label}
          </option>
        ))}
      </select>
      <label htmlFor="territoire-autre">Autre territoire : tapez une commune ou une intercommunalité</label>
      <input id="territoire-autre" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" placeholder="ex. Lyon" />
      {error && (
        <p role="alert" className="error">
          {errorCode(error) === "STALE" ? "Le territoire officiel est en cours de chargement : réessayez dans un instant." : errorMessage(error)}
        </p>
      )}
      {search.length >= 2 && (
        <ul className="territory-results">
          {(data?.territory ?? []).map((entry) => (
            <li key={`${entry.kind}-${entry.inseeCode}`}>
              <strong>{entry.name}</strong>{" "}
              {placesOf(entry).map((place) => (
                <button key={place.key} type="button" className="small" onClick={() => choose(place)}>
                  {place.label}
                </button>
              ))}
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
