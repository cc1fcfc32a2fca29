// territory(search) over HTTP, as a search box asks it while a person types:
// prefixes, whole names with and without accents, codes, misspellings.
import { performance } from "node:perf_hooks";
import { importTerritory } from "../src/territory/import.ts";
import { startTestApp } from "../test/support/app.ts";

type Report = (name: string, value: string, target: string) => void;

const TYPED = [
  "st",
  "st eti",
  "st etienne",
  "Saint-Étienne",
  "lyon",
  "marseille",
  "bord",
  "bordx",
  "isle d'abeau",
  "42100",
  "214202186",
  "69123",
  "aix en pro",
  "ste foy",
  "CA du",
  "métropole",
  "chateau",
  "pont",
  "vals les bains",
  "aubenas",
];

export async function benchTerritory(report: Report): Promise<void> {
  const app = await startTestApp({ PILOTIS_RATE_LIMIT_PER_MINUTE: "0" });
  try {
    const started = performance.now();
    await importTerritory(app.pool);
    report("territory import (34,969 communes, 1,255 EPCI), one transaction", `${((performance.now() - started) / 1000).toFixed(1)} s`, "< 60 s");
    const query = "query($s: String!) { territory(search: $s, first: 10) { inseeCode name kind departement { name } epci { name } } }";
    const ask = (s: string) =>
      fetch(app.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables: { s } }) }).then((r) =>
        r.json(),
      );
    for (const s of TYPED) await ask(s);
    const times: number[] = [];
    for (let round = 0; round < 10; round++) {
      for (const s of TYPED) {
        const t = performance.now();
        await ask(s);
        times.push(performance.now() - t);
      }
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
    report(`territory(search) over HTTP, ${times.length} searches with their département and EPCI, p50 / p99`, `${q(0.5)} / ${q(0.99)} ms`, "p99 < 50 ms");
  } finally {
    await app.close();
  }
}
