// Reading kubectl's table output. Columns are found from the header: kubectl pads every column
// to its widest cell plus at least three spaces, so a column starts where its header does, and
// a header with a space in it ("NOMINATED NODE") stays one column.
export type Row = Record<string, string>;

export function parseTable(output: string): Row[] {
  const lines = output.split("\n").filter((line) => line.trim() !== "");
  const header = lines[0];
  if (header === undefined) return [];
  const columns: { name: string; start: number }[] = [];
  for (const match of header.matchAll(/\S+(?: \S+)*/g)) columns.push({ name: match[0], start: match.index });
  return lines.slice(1).map((line) => {
    const row: Row = {};
    columns.forEach((column, i) => {
      const end = columns[i + 1]?.start ?? line.length;
      row[column.name] = line.slice(column.start, end).trim();
    });
    return row;
  });
}

/** The header's column names. */
export function tableHeader(output: string): string[] {
  const header = output.split("\n")[0] ?? "";
  return [...header.matchAll(/\S+(?: \S+)*/g)].map((match) => match[0]);
}
