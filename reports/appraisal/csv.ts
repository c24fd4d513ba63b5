/**
 * ranking.csv: UTF-8 with a BOM (Excel on Chinese Windows reads a BOM-less file as GBK),
 * CRLF line ends, RFC 4180 quoting. Same tables in, same bytes out.
 */
import { cellText, type RankingTable } from './tables.ts';

const quote = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

export function csvText(table: RankingTable): string {
  const lines = [table.columns.map((c) => quote(c.header)), ...table.rows.map((row) => row.map((v, i) => quote(cellText(v, table.columns[i].format))))];
  return `\uFEFF${lines.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}
