import { useState } from "react";
import { type CombinedError, useMutation } from "urql";
import { FACTOR_KIND_SINGULAR, QUADRANTS_FR, STATUS_LABELS } from "../french.ts";
import { graphql } from "../generated/gql.ts";
import type { MatrixVisibility, StrategySuggestionsQuery } from "../generated/graphql.ts";
import type { Factor, FactorKind, GridFactor, Quadrant, Status } from "../matrix-query.ts";

// The forms an editor uses on a matrix page. Each sends the version it was
// looking at (expectedVersion): a change made meanwhile elsewhere is refused
// as a CONFLICT, which the page explains before showing the fresh state.

/** What a form reports once its mutation settled: the position to read back, or the error. */
export type Settled = (outcome: { position?: string; error?: CombinedError }) => void;

const ADD_FACTOR = graphql(`mutation AddFactor($input: AddFactorInput!) { addFactor(input: $input) { position } }`);
const PROPOSE = graphql(`mutation ProposeStrategy($input: ProposeStrategyInput!) { proposeStrategy(input: $input) { position } }`);
const CHANGE_STATUS = graphql(`mutation ChangeStrategyStatus($input: ChangeStrategyStatusInput!) { changeStrategyStatus(input: $input) { position } }`);
const ADD_INITIATIVE = graphql(`mutation AddInitiative($input: AddInitiativeInput!) { addInitiative(input: $input) { position } }`);
const CHANGE_INITIATIVE_STATUS = graphql(
  `mutation ChangeInitiativeStatus($input: ChangeInitiativeStatusInput!) { changeInitiativeStatus(input: $input) { position } }`,
);
const REVISE_FACTOR = graphql(`mutation ReviseFactor($input: ReviseFactorInput!) { reviseFactor(input: $input) { position } }`);
const REMOVE_FACTOR = graphql(`mutation RemoveFactor($input: RemoveFactorInput!) { removeFactor(input: $input) { position } }`);
const CHANGE_VISIBILITY = graphql(`mutation ChangeVisibility($input: ChangeMatrixVisibilityInput!) { changeMatrixVisibility(input: $input) { position } }`);
const REORDER = graphql(`mutation ReorderFactors($input: ReorderFactorsInput!) { reorderFactors(input: $input) { position } }`);
const RENAME = graphql(`mutation RenameMatrix($input: RenameMatrixInput!) { renameMatrix(input: $input) { position } }`);
const PUBLISH = graphql(`mutation PublishMatrix($input: MatrixLifecycleInput!) { publishMatrix(input: $input) { position } }`);

/** The next statuses a strategy may take from its current one, as the decider allows them. */
const NEXT: Record<Status, Status[]> = {
  PROPOSED: ["ADOPTED", "ABANDONED"],
  ADOPTED: ["IN_PROGRESS", "ABANDONED"],
  IN_PROGRESS: ["DONE", "ABANDONED"],
  DONE: [],
  ABANDONED: [],
};

export interface Common {
  matrixId: string;
  version: number;
  settled: Settled;
}

export function AddFactor({ matrixId, version, settled, kind }: Common & { kind: FactorKind }) {
  const [label, setLabel] = useState("");
  const [, add] = useMutation(ADD_FACTOR);
  const id = `add-${kind}`;
  return (
    <form
      className="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!label.trim()) return;
        const result = await add({ input: { matrixId, kind, label: label.trim(), expectedVersion: version } });
        if (!result.error) setLabel("");
        settled({ position: result.data?.addFactor.position, error: result.error });
      }}
    >
      <label htmlFor={id}>Nouvelle {FACTOR_KIND_SINGULAR[kind].toLowerCase()}</label>
      <input id={id} value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={200} />
      <button type="submit">Ajouter</button>
    </form>
  );
}

export type Suggestion = StrategySuggestionsQuery["catalogue"][number];

export function ProposeStrategy({
  matrixId,
  version,
  settled,
  row,
  column,
  suggestions,
}: Common & { row: GridFactor; column: GridFactor; suggestions: Suggestion[] }) {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState("");
  const [catalogueKey, setCatalogueKey] = useState<string | null>(null);
  const [, propose] = useMutation(PROPOSE);
  const mine = suggestions.filter((s) => s.internalFactorKey === row.catalogueKey && s.externalFactorKey === column.catalogueKey);
  if (!open) {
    return (
      <button type="button" className="small" onClick={() => setOpen(true)} aria-label={`Proposer une stratégie : ${row.label} × ${column.label}`}>
        + Proposer
      </button>
    );
  }
  const id = `propose-${row.id}-${column.id}`;
  return (
    <form
      className="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const result = await propose({
          input: { matrixId, internalFactorId: row.id, externalFactorId: column.id, title: title.trim(), catalogueKey, expectedVersion: version },
        });
        if (!result.error) setOpen(false);
        settled({ position: result.data?.proposeStrategy.position, error: result.error });
      }}
    >
      {mine.length > 0 && (
        <fieldset>
          <legend>Suggestions du catalogue</legend>
          {mine.map((s) => (
            <button
              key={s.key}
              type="button"
              className="suggestion"
              onClick={() => {
                setTitle(s.label);
                setCatalogueKey(s.key);
              }}
            >
              {s.label}
            </button>
          ))}
        </fieldset>
      )}
      <label htmlFor={id}>Intitulé de la stratégie</label>
      <input
        id={id}
        value={title}
        onChange={(e) => {
          setTitle(e.target.value);
          setCatalogueKey(null);
        }}
        required
        maxLength={200}
      />
      <button type="submit">Proposer</button>
      <button type="button" onClick={() => setOpen(false)}>
        Annuler
      </button>
    </form>
  );
}

/** A status decision with its reason, on a strategy or an initiative (both follow the same lifecycle). */
export function ChangeStatus({ matrixId, version, settled, subject }: Common & { subject: { kind: "strategy" | "initiative"; id: string; status: Status } }) {
  const [status, setStatus] = useState<Status | "">("");
  const [reason, setReason] = useState("");
  const [, changeStrategy] = useMutation(CHANGE_STATUS);
  const [, changeInitiative] = useMutation(CHANGE_INITIATIVE_STATUS);
  const next = NEXT[subject.status];
  if (next.length === 0) return null;
  const id = `status-${subject.kind}-${subject.id}`;
  return (
    <form
      className="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!status) return;
        const common = { matrixId, status, reason: reason.trim() || null, expectedVersion: version };
        const outcome =
          subject.kind === "strategy"
            ? await changeStrategy({ input: { ...common, strategyId: subject.id } }).then((r) => ({
                position: r.data?.changeStrategyStatus.position,
                error: r.error,
              }))
            : await changeInitiative({ input: { ...common, initiativeId: subject.id } }).then((r) => ({
                position: r.data?.changeInitiativeStatus.position,
                error: r.error,
              }));
        if (!outcome.error) {
          setStatus("");
          setReason("");
        }
        settled(outcome);
      }}
    >
      <label htmlFor={id}>Nouveau statut</label>
      <select id={id} value={status} onChange={(e) => setStatus(e.target.value as Status)}>
        <option value="">—</option>
        {next.map((s) => (
          <option key={s} value={s}>
            {STATUS_LABELS[s]}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-reason`}>Raison</label>
      <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
      <button type="submit" disabled={!status}>
        Décider
      </button>
    </form>
  );
}

/** Revising a factor's wording, weight or rating, or removing it, each with a reason; folded under its label until asked for. */
export function EditFactor({ matrixId, version, settled, factor }: Common & { factor: Factor }) {
  const [label, setLabel] = useState(factor.label);
  const [weight, setWeight] = useState(String(factor.weight));
  const [rating, setRating] = useState(factor.rating);
  const [reason, setReason] = useState("");
  const [, revise] = useMutation(REVISE_FACTOR);
  const [, remove] = useMutation(REMOVE_FACTOR);
  const id = `factor-${factor.id}`;
  return (
    <details className="edit-factor">
      <summary>Modifier « {factor.label} »</summary>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const result = await revise({
            input: {
              matrixId,
              factorId: factor.id,
              label: label.trim(),
              weight: Number(weight.replace(",", ".")),
              rating,
              reason: reason.trim() || null,
              expectedVersion: version,
            },
          });
          settled({ position: result.data?.reviseFactor.position, error: result.error });
        }}
      >
        <label htmlFor={`${id}-label`}>Libellé</label>
        <input id={`${id}-label`} value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={200} />
        <label htmlFor={`${id}-weight`}>Poids</label>
        <input
          id={`${id}-weight`}
          value={weight}
          onChange={(e) => setWeight(e.target.value)}
          inputMode="decimal"
          size={5}
          required
          pattern="[0-9]+([,.][0-9]+)?"
        />
        <label htmlFor={`${id}-rating`}>Note</label>
        <select id={`${id}-rating`} value={rating} onChange={(e) => setRating(Number(e.target.value))}>
          {[1, 2, 3, 4].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-reason`}>Raison</label>
        <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        <button type="submit">Enregistrer</button>
        <button
          type="button"
          onClick={async () => {
            const result = await remove({ input: { matrixId, factorId: factor.id, reason: reason.trim() || null, expectedVersion: version } });
            settled({ position: result.data?.removeFactor.position, error: result.error });
          }}
        >
          Retirer ce facteur
        </button>
      </form>
    </details>
  );
}

/** Who may read a published matrix from now on: a decision with its reason, like any other. */
export function ChangeVisibility({ matrixId, version, settled, visibility: current }: Common & { visibility: MatrixVisibility }) {
  const [visibility, setVisibility] = useState<MatrixVisibility>(current);
  const [reason, setReason] = useState("");
  const [, change] = useMutation(CHANGE_VISIBILITY);
  return (
    <form
      className="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const result = await change({ input: { matrixId, visibility, reason: reason.trim() || null, expectedVersion: version } });
        if (!result.error) setReason("");
        settled({ position: result.data?.changeMatrixVisibility.position, error: result.error });
      }}
    >
      <label htmlFor="visibility">Qui peut la lire</label>
      <VisibilityOptions id="visibility" value={visibility} onChange={setVisibility} />
      <label htmlFor="visibility-reason">Raison</label>
      <input id="visibility-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
      <button type="submit" disabled={visibility === current}>
        Changer la visibilité
      </button>
    </form>
  );
}

function VisibilityOptions({ id, value, onChange }: { id: string; value: MatrixVisibility; onChange: (v: MatrixVisibility) => void }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value as MatrixVisibility)}>
      <option value="AGGREGATES_ONLY">Ses éditeurs seulement (elle compte dans les agrégats)</option>
      <option value="NETWORK">Tout le réseau</option>
      <option value="PUBLIC">Tout le monde (publique)</option>
    </select>
  );
}

export function AddInitiative({ matrixId, version, settled }: Common) {
  const [title, setTitle] = useState("");
  const [quadrant, setQuadrant] = useState<Quadrant>("SO");
  const [, add] = useMutation(ADD_INITIATIVE);
  return (
    <form
      className="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const result = await add({ input: { matrixId, title: title.trim(), quadrant, expectedVersion: version } });
        if (!result.error) setTitle("");
        settled({ position: result.data?.addInitiative.position, error: result.error });
      }}
    >
      <label htmlFor="initiative-title">Nouvelle initiative</label>
      <input id="initiative-title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
      <label htmlFor="initiative-quadrant">Croisement</label>
      <select id="initiative-quadrant" value={quadrant} onChange={(e) => setQuadrant(e.target.value as Quadrant)}>
        {(Object.keys(QUADRANTS_FR) as Quadrant[]).map((q) => (
          <option key={q} value={q}>
            {QUADRANTS_FR[q].label}
          </option>
        ))}
      </select>
      <button type="submit">Ajouter</button>
    </form>
  );
}

/** A new title for the matrix, with the reason the history keeps; folded until asked for. */
export function RenameMatrix({ matrixId, version, settled, title: current }: Common & { title: string }) {
  const [title, setTitle] = useState(current);
  const [reason, setReason] = useState("");
  const [, rename] = useMutation(RENAME);
  return (
    <details className="edit-plan">
      <summary>Renommer la matrice</summary>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const result = await rename({ input: { matrixId, title: title.trim(), reason: reason.trim() || null, expectedVersion: version } });
          settled({ position: result.data?.renameMatrix.position, error: result.error });
        }}
      >
        <label htmlFor="rename-title">Nouvel intitulé</label>
        <input id="rename-title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
        <label htmlFor="rename-reason">Motif du changement</label>
        <input id="rename-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        <button type="submit">Renommer</button>
      </form>
    </details>
  );
}

export function Publish({ matrixId, version, settled }: Common) {
  const [visibility, setVisibility] = useState<MatrixVisibility>("AGGREGATES_ONLY");
  const [, publish] = useMutation(PUBLISH);
  return (
    <form
      className="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const result = await publish({ input: { matrixId, visibility, expectedVersion: version } });
        settled({ position: result.data?.publishMatrix.position, error: result.error });
      }}
    >
      <label htmlFor="publish-visibility">Qui pourra la lire</label>
      <VisibilityOptions id="publish-visibility" value={visibility} onChange={setVisibility} />
      <button type="submit">Publier</button>
    </form>
  );
}

/** Moves a factor up or down among those of its kind: the order of the SWOT column and of the grids' rows or columns. */
export function MoveFactor({ matrixId, version, settled, factor, factors }: Common & { factor: Factor; factors: Factor[] }) {
  const [, reorder] = useMutation(REORDER);
  const ids = factors.filter((f) => f.kind === factor.kind).map((f) => f.id);
  const at = ids.indexOf(factor.id);
  const move = async (by: -1 | 1) => {
    const next = [...ids];
    [next[at], next[at + by]] = [next[at + by]!, next[at]!];
    const result = await reorder({ input: { matrixId, kind: factor.kind, factorIds: next, expectedVersion: version } });
    settled({ position: result.data?.reorderFactors.position, error: result.error });
  };
  return (
    <span className="move">
      <button type="button" className="small" disabled={at === 0} onClick={() => move(-1)} aria-label={`Monter « ${factor.label} »`}>
        ↑
      </button>
      <button type="button" className="small" disabled={at === ids.length - 1} onClick={() => move(1)} aria-label={`Descendre « ${factor.label} »`}>
        ↓
      </button>
    </span>
  );
}
