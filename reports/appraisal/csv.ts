/**
 * ranking.csv: UTF-8 with a BOM (Excel on Chinese Windows reads a BOM-less file as GBK),
 * CRLF line ends, RFC 4180 quoting, a name that looks like a formula made inert
 * (warehouse/csv.ts). Same tables in, same bytes out.
 */
import { csvField } from '../../warehouse/csv.ts';
import { cellText, type RankingTable } from './tables.ts';

export function csvText(table: RankingTable): string {
  const lines = [table.columns.map((c) => csvField(c.header)), ...table.rows.map((row) => row.map((v, i) => csvField(cellText(v, table.columns[i].format))))];
  return `\uFEFF${lines.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}
