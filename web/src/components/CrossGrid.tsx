import { QUADRANTS_FR, STATUS_LABELS } from "../french.ts";
import type { Cross, GridFactor, Strategy } from "../matrix-query.ts";

export function StrategyCard({ strategy, children }: { strategy: Strategy; children?: React.ReactNode }) {
  const last = strategy.decisions.at(-1);
  return (
    <div className={`strategy status-${strategy.status.toLowerCase()}`}>
      <p className="strategy-title">{strategy.title}</p>
      <p className="strategy-status">
        <span className="badge">{STATUS_LABELS[strategy.status]}</span>
        {last?.reason && <span className="reason"> « {last.reason} »</span>}
      </p>
      {children}
    </div>
  );
}

/** One crossed grid: internal factors in rows, external ones in columns, the strategies of each crossing in its cell. */
export function CrossGrid({
  cross,
  renderStrategy,
  cellExtra,
}: {
  cross: Cross;
  renderStrategy?: (s: Strategy, row: GridFactor, column: GridFactor) => React.ReactNode;
  cellExtra?: (row: GridFactor, column: GridFactor) => React.ReactNode;
}) {
  const { label, question } = QUADRANTS_FR[cross.quadrant];
  const cellOf = (row: GridFactor, column: GridFactor) => cross.cells.find((c) => c.internalFactor.id === row.id && c.externalFactor.id === column.id);
  return (
    <section className="cross" aria-labelledby={`grid-${cross.quadrant}`}>
      <h3 id={`grid-${cross.quadrant}`}>{label}</h3>
      <p className="question">{question}</p>
      {cross.rows.length === 0 || cross.columns.length === 0 ? (
        <p>Ajoutez des facteurs aux deux colonnes pour croiser.</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a grid wider than a phone scrolls, and a keyboard user must reach it to scroll it
        <section className="table-scroll" tabIndex={0} aria-label={label}>
          <table>
            <thead>
              <tr>
                <td />
                {cross.columns.map((column) => (
                  <th key={column.id} scope="col">
                    {column.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {cross.rows.map((row) => (
                <tr key={row.id}>
                  <th scope="row">{row.label}</th>
                  {cross.columns.map((column) => (
                    <td key={column.id}>
                      {(cellOf(row, column)?.strategies ?? []).map((s) =>
                        renderStrategy ? <div key={s.id}>{renderStrategy(s, row, column)}</div> : <StrategyCard key={s.id} strategy={s} />,
                      )}
                      {cellExtra?.(row, column)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}
