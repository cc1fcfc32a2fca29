import { useEffect } from "react";
import { useQuery } from "urql";
import { Link } from "wouter";
import { ImportMatrix, OpenMatrix } from "../components/NewMatrix.tsx";
import {
  COLLECTIVITY_KIND_LABELS,
  frenchDate,
  frenchDateTime,
  frenchNumber,
  MATRIX_STATUS_LABELS,
  METRIC_LABELS,
  STATUS_LABELS,
  VISIBILITY_LABELS,
} from "../french.ts";
import { graphql } from "../generated/gql.ts";
import { canEdit, useSession } from "../session.ts";

const COLLECTIVITY = graphql(`
  query Collectivity($id: ID!) {
    collectivity(id: $id) {
      id name kind population inseeCode
      departement { name } region { name } epci { name } mergedInto { name inseeCode }
      peerGroup { label size }
      matrices { id title status visibility updatedAt publishedAt scores { internal external } }
      timeline(first: 20) { edges { node { position matrixId title fromStatus toStatus actor reason at } } }
    }
  }
`);

const STANDING = graphql(`
  query Standing($id: ID!) {
    collectivity(id: $id) { id benchmark { peerGroup { label } metrics { metric value peerMedian percentile } } }
  }
`);

function Standing({ id }: { id: string }) {
  const [{ data, error }] = useQuery({ query: STANDING, variables: { id } });
  if (error) return <p className="error">Positionnement indisponible : {error.message}</p>;
  const benchmark = data?.collectivity?.benchmark;
  if (!data) return <p>Chargement…</p>;
  if (!benchmark) return <p>Aucun groupe de pairs dont les chiffres sont publiés ne la comprend encore.</p>;
  return (
    <table>
      <caption>Parmi : {benchmark.peerGroup.label}</caption>
      <thead>
        <tr>
          <th scope="col">Indicateur</th>
          <th scope="col">Valeur</th>
          <th scope="col">Médiane des pairs</th>
          <th scope="col">Rang centile</th>
        </tr>
      </thead>
      <tbody>
        {benchmark.metrics.map((m) => (
          <tr key={m.metric}>
            <th scope="row">{METRIC_LABELS[m.metric]}</th>
            <td>{m.value === null ? "—" : frenchNumber(m.value)}</td>
            <td>{m.peerMedian === null ? "—" : frenchNumber(m.peerMedian)}</td>
            <td>{m.percentile === null ? "—" : frenchNumber(m.percentile, 0)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CollectivityPage({ id }: { id: string }) {
  const session = useSession();
  const [{ data, error, fetching }] = useQuery({ query: COLLECTIVITY, variables: { id }, pause: !session.signedIn });
  const c = data?.collectivity;
  useEffect(() => {
    if (c) document.title = `${c.name} — Pilotis`;
  }, [c]);
  if (!session.signedIn)
    return (
      <p>
        <Link href="/connexion">Connectez-vous</Link> pour voir cette collectivité.
      </p>
    );
  if (error)
    return (
      <p role="alert" className="error">
        Erreur : {error.message}
      </p>
    );
  if (fetching || !data) return <p aria-live="polite">Chargement…</p>;
  if (!c) return <h1>Collectivité introuvable</h1>;
  return (
    <>
      <h1>{c.name}</h1>
      <p>
        {COLLECTIVITY_KIND_LABELS[c.kind as keyof typeof COLLECTIVITY_KIND_LABELS]} · {frenchNumber(c.population, 0)} habitants · groupe de pairs :{" "}
        {c.peerGroup.label} ({c.peerGroup.size})
      </p>
      {(c.departement || c.region || c.epci) && (
        <p className="territory">
          {[c.departement && `Département : ${c.departement.name}`, c.region && `Région : ${c.region.name}`, c.epci && `Intercommunalité : ${c.epci.name}`]
            .filter(Boolean)
            .join(" · ")}
          {c.inseeCode && ` · code INSEE ${c.inseeCode}`}
        </p>
      )}
      {c.mergedInto && (
        <p className="notice" role="status">
          Fusionnée dans la commune nouvelle {c.mergedInto.name} (code INSEE {c.mergedInto.inseeCode}) : elle ne compte plus parmi les pairs du parangonnage ;
          ses matrices et leur historique restent consultables.
        </p>
      )}
      <section aria-labelledby="matrices">
        <h2 id="matrices">Matrices</h2>
        {c.matrices.length === 0 && <p>Aucune matrice lisible.</p>}
        <ul className="cards">
          {c.matrices.map((m) => (
            <li key={m.id} className="card">
              <h3>
                <Link href={`/matrices/${m.id}`}>{m.title}</Link>
              </h3>
              <p>
                {MATRIX_STATUS_LABELS[m.status]}
                {m.visibility && ` · visibilité ${VISIBILITY_LABELS[m.visibility]}`} · mise à jour le {frenchDate(m.updatedAt)}
              </p>
              <p>
                IFE {m.scores.internal === null ? "—" : frenchNumber(m.scores.internal)} · EFE{" "}
                {m.scores.external === null ? "—" : frenchNumber(m.scores.external)}
              </p>
            </li>
          ))}
        </ul>
        {canEdit(session, c.id) && (
          <div className="new-matrices">
            <section aria-labelledby="ouvrir">
              <h3 id="ouvrir">Ouvrir une matrice</h3>
              <OpenMatrix collectivityId={c.id} matrices={c.matrices} />
            </section>
            <section aria-labelledby="importer">
              <h3 id="importer">Importer un classeur d'atelier</h3>
              <ImportMatrix collectivityId={c.id} />
            </section>
          </div>
        )}
      </section>
      <section aria-labelledby="decisions">
        <h2 id="decisions">Décisions récentes</h2>
        {c.timeline.edges.length === 0 && <p>Aucune décision enregistrée.</p>}
        <ol className="timeline">
          {c.timeline.edges.map(({ node: d }) => (
            <li key={d.position}>
              <time dateTime={d.at}>{frenchDateTime(d.at)}</time> — <Link href={`/matrices/${d.matrixId}`}>{d.title}</Link> :{" "}
              {d.fromStatus ? `${STATUS_LABELS[d.fromStatus]} → ` : ""}
              {STATUS_LABELS[d.toStatus]}, par {d.actor}
              {d.reason && <> (« {d.reason} »)</>}
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="pairs">
        <h2 id="pairs">Parmi ses pairs</h2>
        {canEdit(session, c.id) ? (
          <Standing id={c.id} />
        ) : (
          <p>
            Le positionnement d'une collectivité n'est montré qu'à ses éditeurs. <Link href="/parangonnage">Voir le parangonnage</Link>.
          </p>
        )}
      </section>
    </>
  );
}
