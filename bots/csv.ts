/**
 * RFC 4180 CSV, enough for the evaluation commands: quoted fields with commas, quotes and newlines, a header row.
 * parseCsv for files read whole; streamCsv for files too big for that (the churn contract's events).
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** Rows of a CSV text as records keyed by the header's names. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows = csvRecords(text.replace(/^\uFEFF/, ""));
  const [header, ...records] = rows.filter((r) => r.length > 1 || r[0] !== "");
  if (!header) return [];
  return records.map((record) => Object.fromEntries(header.map((name, i) => [name.trim(), record[i] ?? ""])));
}

/** The records of a CSV text, each a list of fields (RFC 4180: `""` inside quotes is a quote; quotes may hold newlines). */
function csvRecords(body: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < body.length; i += 1) {
    const char = body[i] as string;
    if (quoted) {
      if (char === '"' && body[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && body[i + 1] === "\n") i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += char;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** One CSV line (with its newline), fields quoted only when they must be. */
export function formatCsvRow(fields: readonly (string | number)[]): string {
  return `${fields
    .map((value) => {
      const text = String(value);
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(",")}\n`;
}

/** Calls `onRow` with each record of a CSV file, keyed by its header; returns the number of rows. */
export async function streamCsv(path: string, onRow: (row: Record<string, string>) => void): Promise<number> {
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let header: string[] | null = null;
  let rows = 0;
  let pending = "";
  for await (const raw of lines) {
    // A quoted field may span lines: join until the quotes balance.
    const line = pending ? `${pending}\n${raw}` : raw;
    if ((line.match(/"/g)?.length ?? 0) % 2 === 1) {
      pending = line;
      continue;
    }
    pending = "";
    if (!line.trim()) continue;
    const fields = line.includes('"') ? (csvRecords(line)[0] ?? []) : line.split(",");
    if (!header) {
      header = fields.map((name) => name.replace(/^\uFEFF/, "").trim());
      continue;
    }
    const record: Record<string, string> = {};
    for (let i = 0; i < header.length; i += 1) record[header[i] as string] = fields[i] ?? "";
    onRow(record);
    rows += 1;
  }
  return rows;
}
