import { type ReactNode, useState } from "react";
import { useMutation } from "urql";
import { frenchDate, frenchDateTime, frenchNumber, QUADRANTS_FR, STATUS_LABELS } from "../french.ts";
import { graphql } from "../generated/gql.ts";
import type { Diagnosis, IndicatorView, InitiativePlan, Quadrant, StrategyPlan } from "../matrix-query.ts";
import type { Common, Suggestion } from "./Editing.tsx";

// Who does what by when: the lead, due date, budget and progress of a
// strategy or an initiative, its indicators with a small chart of their
// values against the target, and the forms that change them.

const REVISE_STRATEGY = graphql(`mutation ReviseStrategyPlan($input: ReviseStrategyInput!) { reviseStrategy(input: $input) { position } }`);
const REVISE_INITIATIVE = graphql(`mutation ReviseInitiative($input: ReviseInitiativeInput!) { reviseInitiative(input: $input) { position } }`);
const REMOVE_INITIATIVE = graphql(`mutation RemoveInitiative($input: RemoveInitiativeInput!) { removeInitiative(input: $input) { position } }`);
const SET_INDICATOR = graphql(`mutation SetIndicator($input: SetIndicatorInput!) { setIndicator(input: $input) { position } }`);

type Accountable = Pick<StrategyPlan, "lead" | "dueDate" | "budget" | "progress">;

/** A French number typed by a person (12 000,5), or null when left empty. */
const typedNumber = (text: string): number | null => {
  const trimmed = text.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  return trimmed === "" ? null : Number(trimmed);
};

/** Référent, échéance, budget and avancement as a line under a card's title. */
export function Accountability({ of, label }: { of: Accountable; label: string }) {
  const parts = [
    of.lead && `référent : ${of.lead}`,
    of.dueDate && `échéance : ${frenchDate(of.dueDate)}`,
    of.budget !== null && `budget : ${frenchNumber(of.budget)} €`,
  ].filter(Boolean);
  if (parts.length === 0 && of.progress === null) return null;
  return (
    <p className="accountability">
      {parts.join(" · ")}
      {of.progress !== null && (
        <>
          {parts.length > 0 && " · "}
          avancement : {of.progress} %{" "}
          <progress max={100} value={of.progress} aria-label={`Avancement de « ${label} »`}>
            {of.progress} %
          </progress>
        </>
      )}
    </p>
  );
}

/** The values measured, as dots joined in time order, and the target as a dashed line; described in words for screen readers. */
export function IndicatorChart({ indicator }: { indicator: IndicatorView }) {
  const { values, target, baseline } = indicator;
  if (values.length === 0) return null;
  const width = 160;
  const height = 48;
  const numbers = [...values.map((v) => v.value), ...(target === null ? [] : [target]), ...(baseline === null ? [] : [baseline])];
  const low = Math.min(...numbers);
  const high = Math.max(...numbers);
  const y = (v: number) => (high === low ? height / 2 : height - 4 - ((v - low) / (high - low)) * (height - 8));
  const x = (i: number) => (values.length === 1 ? width / 2 : 4 + (i / (values.length - 1)) * (width - 8));
  const unit = indicator.unit ? ` ${indicator.unit}` : "";
  const description = `${indicator.name} : ${values.map((v) => `${frenchNumber(v.value)}${unit} le ${frenchDateTime(v.at)}`).join(", ")}${
    target === null ? "" : ` ; cible ${frenchNumber(target)}${unit}`
  }`;
  return (
    <svg className="indicator-chart" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={description}>
      {target !== null && <line className="target" x1={0} x2={width} y1={y(target)} y2={y(target)} />}
      <polyline points={values.map((v, i) => `${x(i)},${y(v.value)}`).join(" ")} />
      {values.map((v, i) => (
        <circle key={v.at} cx={x(i)} cy={y(v.value)} r={3} />
      ))}
    </svg>
  );
}

export function Indicators({ indicators }: { indicators: IndicatorView[] }) {
  if (indicators.length === 0) return null;
  return (
    <ul className="indicators">
      {indicators.map((n) => (
        <li key={n.id}>
          <span className="indicator-name">{n.name}</span> : {n.value === null ? "pas encore mesuré" : `${frenchNumber(n.value)}${n.unit ? ` ${n.unit}` : ""}`}
          {n.target !== null && ` (cible ${frenchNumber(n.target)}${n.unit ? ` ${n.unit}` : ""})`}
          <IndicatorChart indicator={n} />
        </li>
      ))}
    </ul>
  );
}

/** An initiative of the toolbox as the matrix page and the report show it; `children` are the page's forms. */
export function InitiativeItem({ initiative, plan, children }: { initiative: Diagnosis["initiatives"][number]; plan?: InitiativePlan; children?: ReactNode }) {
  return (
    <li className={`initiative status-${initiative.status.toLowerCase()}`}>
      <strong>{initiative.title}</strong> — {QUADRANTS_FR[initiative.quadrant].label} · <span className="badge">{STATUS_LABELS[initiative.status]}</span>
      {initiative.strategies.length > 0 && <> · pour : {initiative.strategies.map((s) => s.title).join(", ")}</>}
      {plan?.description && <p className="description">{plan.description}</p>}
      {plan && <Accountability of={plan} label={initiative.title} />}
      {plan && <Indicators indicators={plan.indicators} />}
      {children}
    </li>
  );
}

/** The fields of a lead, a due date, a budget and a progress, as an editor types them. */
function useAccountabilityFields(of: Accountable, id: string) {
  const [lead, setLead] = useState(of.lead ?? "");
  const [dueDate, setDueDate] = useState(of.dueDate ?? "");
  const [budget, setBudget] = useState(of.budget === null ? "" : frenchNumber(of.budget));
  const [progress, setProgress] = useState(of.progress === null ? "" : String(of.progress));
  const fields = (
    <>
      <label htmlFor={`${id}-lead`}>Référent</label>
      <input id={`${id}-lead`} value={lead} onChange={(e) => setLead(e.target.value)} maxLength={200} />
      <label htmlFor={`${id}-due`}>Échéance</label>
      <input id={`${id}-due`} type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
      <label htmlFor={`${id}-budget`}>Budget (€)</label>
      <input id={`${id}-budget`} inputMode="decimal" value={budget} onChange={(e) => setBudget(e.target.value)} />
      <label htmlFor={`${id}-progress`}>Avancement (%)</label>
      <input id={`${id}-progress`} type="number" min={0} max={100} value={progress} onChange={(e) => setProgress(e.target.value)} />
    </>
  );
  const values = {
    lead: lead.trim() === (of.lead ?? "") ? null : lead.trim(),
    dueDate: dueDate === "" || dueDate === of.dueDate ? null : dueDate,
    budget: typedNumber(budget),
    progress: progress === "" ? null : Number(progress),
  };
  return { fields, values };
}

/** A strategy's plan: lead, due date, budget, progress, and its catalogue key set right for its cell. */
export function EditStrategyPlan({
  matrixId,
  version,
  settled,
  strategy,
  suggestions,
}: Common & { strategy: StrategyPlan & { title: string }; suggestions: Suggestion[] }) {
  const id = `plan-${strategy.id}`;
  const { fields, values } = useAccountabilityFields(strategy, id);
  const [catalogueKey, setCatalogueKey] = useState(strategy.catalogueKey ?? "");
  const [reason, setReason] = useState("");
  const [, revise] = useMutation(REVISE_STRATEGY);
  return (
    <details className="edit-plan">
      <summary>Plan d'action de « {strategy.title} »</summary>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const key = catalogueKey === (strategy.catalogueKey ?? "") ? null : catalogueKey;
          const result = await revise({
            input: { matrixId, strategyId: strategy.id, ...values, catalogueKey: key, reason: reason.trim() || null, expectedVersion: version },
          });
          settled({ position: result.data?.reviseStrategy.position, error: result.error });
        }}
      >
        {fields}
        <label htmlFor={`${id}-key`}>Stratégie du catalogue</label>
        <select id={`${id}-key`} value={catalogueKey} onChange={(e) => setCatalogueKey(e.target.value)}>
          <option value="">aucune</option>
          {suggestions.map((s) => (
            <option key={s.key} value={s.key}>
              {s.key} — {s.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-reason`}>Motif de la modification</label>
        <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        <button type="submit">Enregistrer</button>
      </form>
    </details>
  );
}

/** An initiative's wording, links and plan, or its removal with a reason. */
export function EditInitiative({
  matrixId,
  version,
  settled,
  initiative,
  strategies,
}: Common & {
  initiative: Diagnosis["initiatives"][number] & InitiativePlan;
  strategies: { id: string; title: string; quadrant: Quadrant; status: string }[];
}) {
  const id = `initiative-${initiative.id}`;
  const { fields, values } = useAccountabilityFields(initiative, id);
  const [title, setTitle] = useState(initiative.title);
  const [description, setDescription] = useState(initiative.description ?? "");
  const [links, setLinks] = useState(initiative.strategies.map((s) => s.id));
  const [reason, setReason] = useState("");
  const [, revise] = useMutation(REVISE_INITIATIVE);
  const [, remove] = useMutation(REMOVE_INITIATIVE);
  const candidates = strategies.filter((s) => s.quadrant === initiative.quadrant && (s.status !== "ABANDONED" || links.includes(s.id)));
  return (
    <details className="edit-plan">
      <summary>Modifier « {initiative.title} »</summary>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const result = await revise({
            input: {
              matrixId,
              initiativeId: initiative.id,
              title: title.trim() === initiative.title ? null : title.trim(),
              description: description.trim() === (initiative.description ?? "") ? null : description.trim(),
              strategyIds: links,
              ...values,
              reason: reason.trim() || null,
              expectedVersion: version,
            },
          });
          settled({ position: result.data?.reviseInitiative.position, error: result.error });
        }}
      >
        <label htmlFor={`${id}-title`}>Intitulé</label>
        <input id={`${id}-title`} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} />
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea id={`${id}-description`} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
        {candidates.length > 0 && (
          <fieldset>
            <legend>Stratégies servies ({QUADRANTS_FR[initiative.quadrant].label})</legend>
            {candidates.map((s) => (
              <label key={s.id} className="check">
                <input
                  type="checkbox"
                  checked={links.includes(s.id)}
                  onChange={(e) => setLinks(e.target.checked ? [...links, s.id] : links.filter((l) => l !== s.id))}
                />
                {s.title}
              </label>
            ))}
          </fieldset>
        )}
        {fields}
        <label htmlFor={`${id}-reason`}>Motif de la modification</label>
        <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        <button type="submit">Enregistrer</button>
        <button
          type="button"
          className="danger"
          onClick={async () => {
            const result = await remove({ input: { matrixId, initiativeId: initiative.id, reason: reason.trim() || null, expectedVersion: version } });
            settled({ position: result.data?.removeInitiative.position, error: result.error });
          }}
        >
          Retirer l'initiative
        </button>
      </form>
    </details>
  );
}

/** A new indicator on a strategy or an initiative, or a new value of one of its indicators. */
export function SetIndicator({ matrixId, version, settled, subject }: Common & { subject: { id: string; title: string; indicators: IndicatorView[] } }) {
  const id = `indicator-${subject.id}`;
  // Until a person picks one, the first indicator (or a new one, when there is none yet: the list may arrive after the form).
  const [choice, setIndicatorId] = useState<string | null>(null);
  const indicatorId = choice ?? subject.indicators[0]?.id ?? "";
  const [name, setName] = useState("");
  const [unit, setUnit] = useState("");
  const [target, setTarget] = useState("");
  const [value, setValue] = useState("");
  const [, set] = useMutation(SET_INDICATOR);
  const creating = indicatorId === "";
  return (
    <details className="edit-plan">
      <summary>Indicateurs de « {subject.title} »</summary>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const result = await set({
            input: creating
              ? {
                  matrixId,
                  subjectId: subject.id,
                  name: name.trim(),
                  unit: unit.trim() || null,
                  target: typedNumber(target),
                  value: typedNumber(value),
                  expectedVersion: version,
                }
              : { matrixId, subjectId: subject.id, indicatorId, value: typedNumber(value), expectedVersion: version },
          });
          if (!result.error) setValue("");
          settled({ position: result.data?.setIndicator.position, error: result.error });
        }}
      >
        <label htmlFor={`${id}-which`}>Indicateur</label>
        <select id={`${id}-which`} value={indicatorId} onChange={(e) => setIndicatorId(e.target.value)}>
          {subject.indicators.map((n) => (
            <option key={n.id} value={n.id}>
              {n.name}
            </option>
          ))}
          <option value="">nouvel indicateur…</option>
        </select>
        {creating && (
          <>
            <label htmlFor={`${id}-name`}>Nom</label>
            <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
            <label htmlFor={`${id}-unit`}>Unité</label>
            <input id={`${id}-unit`} value={unit} onChange={(e) => setUnit(e.target.value)} maxLength={50} />
            <label htmlFor={`${id}-target`}>Cible</label>
            <input id={`${id}-target`} inputMode="decimal" value={target} onChange={(e) => setTarget(e.target.value)} />
          </>
        )}
        <label htmlFor={`${id}-value`}>Valeur mesurée</label>
        <input id={`${id}-value`} inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} required={!creating} />
        <button type="submit">Enregistrer</button>
      </form>
    </details>
  );
}
