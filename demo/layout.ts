/**
 * File layouts from the contract: every contract column, headed by its Chinese header,
 * its canonical name, or a chosen alias (checked, so a file never carries a header the
 * ingest cannot map).
 */
import type { SourceName } from '../sources/contract.ts';
import { CONTRACTS } from '../sources/contracts.ts';
import type { LayoutColumn } from './export-file.ts';
import { asText, type Cell, type Row, type Value } from './format.ts';

export type CellFormat = (value: Value, row: Row) => Cell;

export function contractColumns(
  source: SourceName,
  naming: 'zh' | 'name',
  formats: Record<string, CellFormat>,
  aliases: Record<string, string> = {},
): LayoutColumn[] {
  return CONTRACTS[source].columns.map((column) => {
    const alias = aliases[column.name];
    if (alias !== undefined && !column.aliases.includes(alias)) throw new Error(`"${alias}" is not an alias of ${source}.${column.name}`);
    const format = formats[column.name] ?? asText;
    return { header: alias ?? column[naming], column: column.name, cell: (row: Row) => format(row[column.name] ?? null, row) };
  });
}

export function extraColumn(header: string, cell: (row: Row, rowNumber: number) => Cell): LayoutColumn {
  return { header, column: null, cell };
}
