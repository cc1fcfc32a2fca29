import { useEffect } from "react";
import { Link } from "wouter";
import { Accountability, Indicators, InitiativeItem } from "../components/ActionPlan.tsx";
import { CrossGrid } from "../components/CrossGrid.tsx";
import { Score, Swot } from "../components/Swot.tsx";
import { frenchDate, frenchDateTime, MATRIX_STATUS_LABELS, QUADRANTS_FR, STATUS_LABELS } from "../french.ts";
import { errorMessage } from "../graphql.ts";
import { type Quadrant, useMatrix } from "../matrix-query.ts";

const QUADRANTS: Quadrant[] = ["SO", "WO", "ST", "WT"];

/** The matrix and its action plan on A4 pages for the conseil or the bureau: the browser's "Enregistrer au format PDF" makes the PDF. */
export function Report({ id }: { id: string }) {
  const { matrix, error, loaded } = useMatrix({ id, asOf: null, minPosition: null });
  useEffect(() => {
    if (matrix) document.title = `Rapport — ${matrix.title} — ${matrix.collectivity.name}`;
  }, [matrix]);
  if (error)
    return (
      <p role="alert" className="error">
        {errorMessage(error)}
      </p>
    );
  if (!loaded) return <p aria-live="polite">Chargement…</p>;
  if (!matrix) return <h1>Matrice introuvable</h1>;
  const strategies = QUADRANTS.flatMap((q) => matrix[q].cells.flatMap((c) => c.strategies.map((s) => ({ ...s, quadrant: q }))));
  const plans = new Map(matrix.plan.strategies.map((s) => [s.id, s]));
  const initiativePlans = new Map(matrix.plan.initiatives.map((i) => [i.id, i]));
  return (
    <article className="report">
      <p className="no-print">
        <Link href={`/matrices/${matrix.id}`}>Revenir à la matrice</Link> ·{" "}
        <button type="button" onClick={() => window.print()}>
          Imprimer ou enregistrer en PDF
        </button>
      </p>
      <header>
        <p className="report-collectivity">{matrix.collectivity.name}</p>
        <h1>{matrix.title}</h1>
        <p>
          {MATRIX_STATUS_LABELS[matrix.status]} · état au {frenchDate(new Date())} · dernière décision le {frenchDateTime(matrix.updatedAt)}
        </p>
      </header>
      <section aria-labelledby="r-scores">
        <h2 id="r-scores">Scores</h2>
        <Score name="Score interne (IFE)" value={matrix.scores.internal} />
        <Score name="Score externe (EFE)" value={matrix.scores.external} />
      </section>
      <section aria-labelledby="r-swot">
        <h2 id="r-swot">Diagnostic SWOT</h2>
        <Swot factors={matrix.factors} />
      </section>
      <section aria-labelledby="r-cross" className="page-break">
        <h2 id="r-cross">Croisement dynamique</h2>
        {QUADRANTS.map((q) => (
          <CrossGrid key={q} cross={matrix[q]} />
        ))}
      </section>
      <section aria-labelledby="r-strategies" className="page-break">
        <h2 id="r-strategies">Stratégies et décisions</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Croisement</th>
              <th scope="col">Stratégie</th>
              <th scope="col">Statut</th>
              <th scope="col">Décisions</th>
              <th scope="col">Plan d'action</th>
            </tr>
          </thead>
          <tbody>
            {strategies.map((s) => {
              const plan = plans.get(s.id);
              return (
                <tr key={s.id}>
                  <td>{QUADRANTS_FR[s.quadrant].label}</td>
                  <td>{s.title}</td>
                  <td>{STATUS_LABELS[s.status]}</td>
                  <td>
                    {s.decisions
                      .map((d) => `${frenchDate(d.at)} : ${STATUS_LABELS[d.status]}${d.reason ? ` (« ${d.reason} »)` : ""}, par ${d.actor}`)
                      .join(" ; ")}
                  </td>
                  <td>
                    {plan && <Accountability of={plan} label={s.title} />}
                    {plan && <Indicators indicators={plan.indicators} />}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="r-initiatives">
        <h2 id="r-initiatives">Boîte à outils : initiatives</h2>
        {matrix.initiatives.length === 0 && <p>Aucune initiative.</p>}
        <ul className="initiatives">
          {matrix.initiatives.map((i) => (
            <InitiativeItem key={i.id} initiative={i} plan={initiativePlans.get(i.id)} />
          ))}
        </ul>
      </section>
    </article>
  );
}
