import { FACTOR_KIND_LABELS, frenchNumber } from "../french.ts";
import { type Factor, type FactorKind, MIDPOINT } from "../matrix-query.ts";

export const KINDS: FactorKind[] = ["STRENGTH", "WEAKNESS", "OPPORTUNITY", "THREAT"];

export function Score({ name, value }: { name: string; value: number | null }) {
  if (value === null) return <p className="score">{name} : pas encore de facteur</p>;
  const above = value >= MIDPOINT;
  return (
    <p className={`score ${above ? "above" : "below"}`}>
      {name} : <strong>{frenchNumber(value)}</strong> ({above ? "au-dessus" : "en dessous"} du point médian {frenchNumber(MIDPOINT)})
      <meter min={1} max={4} low={MIDPOINT} optimum={4} value={value} aria-label={`${name} sur une échelle de 1 à 4`} />
    </p>
  );
}

/** The diagnosis in four columns, each factor with its weight and rating; `extra` adds an editor's form under a column. */
export function Swot({
  factors,
  extra,
  factorExtra,
}: {
  factors: Factor[];
  extra?: (kind: FactorKind) => React.ReactNode;
  factorExtra?: (factor: Factor) => React.ReactNode;
}) {
  return (
    <div className="swot">
      {KINDS.map((kind) => (
        <section key={kind} className={`swot-column ${kind.toLowerCase()}`} aria-labelledby={`col-${kind}`}>
          <h3 id={`col-${kind}`}>{FACTOR_KIND_LABELS[kind]}</h3>
          <ul>
            {factors
              .filter((f) => f.kind === kind)
              .map((f) => (
                <li key={f.id}>
                  <span className="factor-label">{f.label}</span>
                  <span className="factor-figures">
                    poids {frenchNumber(f.weight)} · note {f.rating}
                  </span>
                  {factorExtra?.(f)}
                </li>
              ))}
          </ul>
          {extra?.(kind)}
        </section>
      ))}
    </div>
  );
}
