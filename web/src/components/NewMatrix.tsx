import { useState } from "react";
import { useMutation } from "urql";
import { useLocation } from "wouter";
import { graphql } from "../generated/gql.ts";
import { errorMessage } from "../graphql.ts";

// How an editor starts a matrix: empty, from the catalogue's fourteen
// factors, from last year's, or from a workshop's spreadsheet.

const OPEN = graphql(`mutation OpenMatrix($input: OpenMatrixInput!) { openMatrix(input: $input) { position matrix { id } } }`);
const IMPORT = graphql(`mutation ImportMatrix($input: ImportMatrixInput!) { importMatrix(input: $input) { position matrix { id } } }`);

/** The new matrix's page, which reads it once the read models hold it (read-your-writes through the history state). */
const matrixPage = (payload: { position: string; matrix: { id: string } }) =>
  [`/matrices/${payload.matrix.id}`, { state: { minPosition: payload.position } }] as const;

type Start = "EMPTY" | "CATALOGUE" | "COPY";

export function OpenMatrix({ collectivityId, matrices }: { collectivityId: string; matrices: { id: string; title: string }[] }) {
  const [, navigate] = useLocation();
  const [title, setTitle] = useState(`Diagnostic ${new Date().getFullYear()}`);
  const [start, setStart] = useState<Start>("CATALOGUE");
  const [source, setSource] = useState(matrices[0]?.id ?? "");
  const [problem, setProblem] = useState<string | null>(null);
  const [, open] = useMutation(OPEN);
  return (
    <form
      className="inline-form new-matrix"
      onSubmit={async (e) => {
        e.preventDefault();
        const result = await open({
          input: { collectivityId, title: title.trim(), fromCatalogue: start === "CATALOGUE", copyFromMatrixId: start === "COPY" ? source : null },
        });
        if (result.error) return setProblem(errorMessage(result.error));
        navigate(...matrixPage(result.data!.openMatrix));
      }}
    >
      <label htmlFor="new-title">Intitulé de la nouvelle matrice</label>
      <input id="new-title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
      <fieldset>
        <legend>Pour commencer</legend>
        <label className="check">
          <input type="radio" name="start" checked={start === "CATALOGUE"} onChange={() => setStart("CATALOGUE")} />
          partir du catalogue (ses quatorze facteurs)
        </label>
        {matrices.length > 0 && (
          <label className="check">
            <input type="radio" name="start" checked={start === "COPY"} onChange={() => setStart("COPY")} />
            copier l'an dernier
          </label>
        )}
        <label className="check">
          <input type="radio" name="start" checked={start === "EMPTY"} onChange={() => setStart("EMPTY")} />
          partir d'une matrice vide
        </label>
      </fieldset>
      {start === "COPY" && (
        <>
          <label htmlFor="new-source">Matrice à copier (facteurs, stratégies et initiatives en cours)</label>
          <select id="new-source" value={source} onChange={(e) => setSource(e.target.value)}>
            {matrices.map((m) => (
              <option key={m.id} value={m.id}>
                {m.title}
              </option>
            ))}
          </select>
        </>
      )}
      <button type="submit">Ouvrir la matrice</button>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
    </form>
  );
}

/** A workbook laid out as the exports are (XLSX, ODS or CSV) becomes a new draft; a refusal says where, in French. */
export function ImportMatrix({ collectivityId }: { collectivityId: string }) {
  const [, navigate] = useLocation();
  const [title, setTitle] = useState("Matrice importée");
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [, importMatrix] = useMutation(IMPORT);
  return (
    <form
      className="inline-form import-matrix"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!file) return;
        const result = await importMatrix({ input: { collectivityId, title: title.trim(), file } });
        if (result.error) {
          // A refusal of the file names its sheet, row and column, already in French.
          const refusal = result.error.graphQLErrors.find((g) => g.extensions?.field === "file");
          return setProblem(refusal ? refusal.message : errorMessage(result.error));
        }
        navigate(...matrixPage(result.data!.importMatrix));
      }}
    >
      <label htmlFor="import-title">Intitulé de la matrice importée</label>
      <input id="import-title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
      <label htmlFor="import-file">Classeur (XLSX, ODS ou CSV, disposé comme les exports)</label>
      <input
        id="import-file"
        type="file"
        accept=".xlsx,.ods,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.oasis.opendocument.spreadsheet,text/csv"
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        required
      />
      <button type="submit">Importer</button>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
    </form>
  );
}
