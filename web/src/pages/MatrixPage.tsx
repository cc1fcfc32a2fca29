import { useCallback, useEffect, useState } from "react";
import { type CombinedError, useQuery, useSubscription } from "urql";
import { Link, useLocation, useSearch } from "wouter";
import { Accountability, EditInitiative, EditStrategyPlan, Indicators, InitiativeItem, SetIndicator } from "../components/ActionPlan.tsx";
import { CrossGrid, StrategyCard } from "../components/CrossGrid.tsx";
import {
  AddFactor,
  AddInitiative,
  ChangeStatus,
  ChangeVisibility,
  EditFactor,
  MoveFactor,
  ProposeStrategy,
  Publish,
  RenameMatrix,
} from "../components/Editing.tsx";
import { Score, Swot } from "../components/Swot.tsx";
import { eventLabel, frenchDateTime, MATRIX_STATUS_LABELS, VISIBILITY_LABELS } from "../french.ts";
import { graphql } from "../generated/gql.ts";
import { errorCode, errorMessage } from "../graphql.ts";
import { CHANGED, type Diagnosis, type MatrixData, type Quadrant, useHistory, useMatrix } from "../matrix-query.ts";
import { canEdit, useSession } from "../session.ts";
import { asOfParam } from "../time-travel.ts";

const QUADRANTS: Quadrant[] = ["SO", "WO", "ST", "WT"];

const SUGGESTIONS = graphql(`query StrategySuggestions { catalogue(kind: STRATEGY) { key label internalFactorKey externalFactorKey } }`);

function History({ matrix, au, minPosition }: { matrix: MatrixData; au: string | null; minPosition: string | null }) {
  const [, navigate] = useLocation();
  const { events: loaded, error } = useHistory(matrix.id, matrix.version, minPosition);
  const events = loaded ?? [];
  const current = au ? events.filter((e) => Date.parse(e.occurredAt) <= Date.parse(asOfParam(au)!)).length : events.length;
  return (
    <section aria-labelledby="historique">
      <h2 id="historique">Historique des décisions</h2>
      {error && <p className="error">{errorMessage(error)}</p>}
      {events.length > 1 && (
        <div className="slider">
          <label htmlFor="curseur">
            Voir la matrice telle qu'elle était après la décision n° {current} sur {events.length}
          </label>
          <input
            id="curseur"
            type="range"
            min={1}
            max={events.length}
            value={Math.max(1, current)}
            onChange={(e) => {
              const n = Number(e.target.value);
              navigate(n === events.length ? `/matrices/${matrix.id}` : `/matrices/${matrix.id}?au=${encodeURIComponent(events[n - 1]!.occurredAt)}`);
            }}
          />
        </div>
      )}
      <ol className="history">
        {events.map((e) => (
          <li key={e.id}>
            <time dateTime={e.occurredAt}>{frenchDateTime(e.occurredAt)}</time> — {eventLabel(e.type)}, par {e.actor}
            {e.reason && <> : « {e.reason} »</>}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function MatrixPage({ id }: { id: string }) {
  const session = useSession();
  const au = new URLSearchParams(useSearch()).get("au");
  const asOf = asOfParam(au);
  // A page opened right after creating its matrix waits for the read models to hold it.
  const [minPosition, setMinPosition] = useState<string | null>(() => (history.state as { minPosition?: string } | null)?.minPosition ?? null);
  const [live, setLive] = useState<Diagnosis | null>(null);
  const { matrix, error, loaded, refetch, refetchRest } = useMatrix({ id, asOf, minPosition }, asOf ? null : live);
  const [{ data: catalogue }] = useQuery({ query: SUGGESTIONS, pause: !session.signedIn });
  const [problem, setProblem] = useState<string | null>(null);

  // A change made anywhere (another browser, a program) shows here without reload.
  useSubscription({ query: CHANGED, variables: { id }, pause: asOf !== null }, (_previous, change) => {
    setLive(change.matrixChanged.matrix);
    refetchRest({ requestPolicy: "network-only" });
    return change;
  });

  const settled = useCallback(
    ({ position, error: failed }: { position?: string; error?: CombinedError }) => {
      if (failed) {
        setProblem(errorMessage(failed));
        if (errorCode(failed) === "CONFLICT") refetch({ requestPolicy: "network-only" });
        return;
      }
      setProblem(null);
      if (position) setMinPosition(position);
      refetch({ requestPolicy: "network-only" });
    },
    [refetch],
  );

  useEffect(() => {
    if (matrix) document.title = `${matrix.title} — ${matrix.collectivity.name} — Pilotis`;
  }, [matrix]);

  if (error)
    return (
      <p role="alert" className="error">
        {errorMessage(error)}
      </p>
    );
  if (!loaded) return <p aria-live="polite">Chargement…</p>;
  if (!matrix) {
    return (
      <>
        <h1>Matrice introuvable</h1>
        <p>
          {session.signedIn ? (
            "Elle n'existe pas, ou vous n'avez pas le droit de la lire."
          ) : (
            <>
              <Link href="/connexion">Connectez-vous</Link> pour la lire si elle n'est pas publique.
            </>
          )}
        </p>
      </>
    );
  }
  const editing = !asOf && canEdit(session, matrix.collectivity.id) && matrix.status !== "ARCHIVED";
  const plans = new Map(matrix.plan.strategies.map((s) => [s.id, s]));
  const initiativePlans = new Map(matrix.plan.initiatives.map((i) => [i.id, i]));
  const common = { matrixId: matrix.id, version: matrix.version, settled };
  const suggestions = catalogue?.catalogue ?? [];
  return (
    <>
      <p className="crumbs">
        <Link href={`/collectivites/${matrix.collectivity.id}`}>{matrix.collectivity.name}</Link>
      </p>
      <h1>{matrix.title}</h1>
      <p className="meta">
        {MATRIX_STATUS_LABELS[matrix.status]}
        {matrix.visibility && ` · visibilité ${VISIBILITY_LABELS[matrix.visibility]}`} · version {matrix.version} · mise à jour le{" "}
        {frenchDateTime(matrix.updatedAt)}
      </p>
      {asOf && (
        <p className="notice" role="status">
          Vous voyez la matrice telle qu'elle était le {frenchDateTime(asOf)}. <Link href={`/matrices/${matrix.id}`}>Revenir à aujourd'hui</Link>
        </p>
      )}
      <p className="actions">
        <Link href={`/matrices/${matrix.id}/rapport`}>Rapport imprimable</Link>
        {session.signedIn && (
          <>
            <a href={`/exports/matrices/${matrix.id}.xlsx`} download>
              Exporter (Excel)
            </a>
            <a href={`/exports/matrices/${matrix.id}.csv`} download>
              Exporter (CSV)
            </a>
          </>
        )}
      </p>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {editing && <RenameMatrix key={`rename-${matrix.version}`} {...common} title={matrix.title} />}
      {editing && matrix.status === "DRAFT" && <Publish {...common} />}
      {editing && matrix.status === "PUBLISHED" && matrix.visibility && <ChangeVisibility {...common} visibility={matrix.visibility} />}

      <section aria-labelledby="diagnostic">
        <h2 id="diagnostic">Diagnostic SWOT</h2>
        <div className="scores">
          <Score name="Score interne (IFE)" value={matrix.scores.internal} />
          <Score name="Score externe (EFE)" value={matrix.scores.external} />
        </div>
        <Swot
          factors={matrix.factors}
          extra={editing ? (kind) => <AddFactor {...common} kind={kind} /> : undefined}
          factorExtra={
            editing
              ? (factor) => (
                  <>
                    <MoveFactor {...common} factor={factor} factors={matrix.factors} />
                    <EditFactor key={`${factor.id}-${matrix.version}`} {...common} factor={factor} />
                  </>
                )
              : undefined
          }
        />
      </section>

      <section aria-labelledby="croisements">
        <h2 id="croisements">Croisement dynamique</h2>
        <div className="crosses">
          {QUADRANTS.map((q) => (
            <CrossGrid
              key={q}
              cross={matrix[q]}
              renderStrategy={(s, row, column) => {
                const plan = plans.get(s.id);
                return (
                  <StrategyCard strategy={s}>
                    {plan && <Accountability of={plan} label={s.title} />}
                    {plan && <Indicators indicators={plan.indicators} />}
                    {editing && <ChangeStatus {...common} subject={{ kind: "strategy", id: s.id, status: s.status }} />}
                    {editing && plan && (
                      <>
                        <EditStrategyPlan
                          key={`plan-${s.id}-${matrix.version}`}
                          {...common}
                          strategy={plan}
                          suggestions={suggestions.filter((c) => c.internalFactorKey === row.catalogueKey && c.externalFactorKey === column.catalogueKey)}
                        />
                        <SetIndicator key={`indicator-${s.id}-${matrix.version}`} {...common} subject={plan} />
                      </>
                    )}
                  </StrategyCard>
                );
              }}
              cellExtra={editing ? (row, column) => <ProposeStrategy {...common} row={row} column={column} suggestions={suggestions} /> : undefined}
            />
          ))}
        </div>
      </section>

      <section aria-labelledby="initiatives">
        <h2 id="initiatives">Boîte à outils : initiatives</h2>
        {matrix.initiatives.length === 0 && <p>Aucune initiative.</p>}
        <ul className="initiatives">
          {matrix.initiatives.map((i) => {
            const plan = initiativePlans.get(i.id);
            return (
              <InitiativeItem key={i.id} initiative={i} plan={plan}>
                {editing && <ChangeStatus {...common} subject={{ kind: "initiative", id: i.id, status: i.status }} />}
                {editing && plan && (
                  <>
                    <EditInitiative key={`edit-${i.id}-${matrix.version}`} {...common} initiative={{ ...i, ...plan }} strategies={matrix.plan.strategies} />
                    <SetIndicator key={`indicator-${i.id}-${matrix.version}`} {...common} subject={{ ...plan, title: i.title }} />
                  </>
                )}
              </InitiativeItem>
            );
          })}
        </ul>
        {editing && <AddInitiative {...common} />}
      </section>

      <History matrix={matrix} au={au} minPosition={minPosition} />
    </>
  );
}
