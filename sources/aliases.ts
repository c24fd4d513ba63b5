/**
 * Aliases the bureau teaches without touching code: `data/reference/aliases.csv`, one line per
 * spelling seen in a real export —
 *
 *   source,kind,column,spelling,canonical
 *   schools,header,,在籍学生数,enrollment        a header that names a contract column
 *   *,value,unit_code,经开区,411071              a value that stands for an allowed one
 *
 * `source` is a source name or `*` (every source with that column). A header alias names the
 * contract column in `canonical` (`column` blank or the same); a value alias gives the column
 * and, in `canonical`, one of its enumeration labels (是/否 for a yes/no column) or a unit code.
 * The file is read on every ingest (it is small), so an edit counts from the next run; a line
 * that cannot be right stops the ingest with the file, the line and what is wrong.
 * Header aliases join the contracts here; value aliases go into `ref` with the reference data.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { SOURCE_NAMES, type SourceContract, type SourceName } from './contract.ts';
import { CONTRACTS } from './contracts.ts';

export interface BureauAlias {
  /** Line in the file (the header is line 1). */
  line: number;
  source: SourceName;
  kind: 'header' | 'value';
  /** The contract column the spelling belongs to. */
  column: string;
  spelling: string;
  /** header: the column's name; value: the value it stands for. */
  canonical: string;
}

export const DEFAULT_ALIASES_FILE = join(import.meta.dirname, '..', 'data', 'reference', 'aliases.csv');

/** `SAFECAMPUS_ALIASES` names another file (another city's, or a test's); the committed one otherwise. */
export function aliasesFile(): string {
  return process.env.SAFECAMPUS_ALIASES ?? DEFAULT_ALIASES_FILE;
}

export class AliasFileError extends Error {}

const COLUMNS = ['source', 'kind', 'column', 'spelling', 'canonical'];

/** The file's aliases, one per source they apply to; none when the file does not exist. */
export function loadBureauAliases(file = aliasesFile()): BureauAlias[] {
  if (!existsSync(file)) return [];
  const parsed = Papa.parse<string[]>(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  const [header, ...lines] = parsed.data;
  const fail = (line: number, what: string) => {
    throw new AliasFileError(`${file} 第 ${line} 行有误（line ${line}: ${what}）`);
  };
  if (!header || header.map((h) => h.trim()).join(',') !== COLUMNS.join(',')) fail(1, `the header must be ${COLUMNS.join(',')}`);
  const aliases: BureauAlias[] = [];
  lines.forEach((fields, index) => {
    const line = index + 2;
    const [source, kind, column, spelling, canonical] = COLUMNS.map((_, i) => (fields[i] ?? '').trim());
    if (source.startsWith('#')) return;
    if (kind !== 'header' && kind !== 'value') fail(line, `kind must be header or value, got "${kind}"`);
    if (source !== '*' && !SOURCE_NAMES.includes(source as SourceName)) fail(line, `source must be * or one of ${SOURCE_NAMES.join(', ')}, got "${source}"`);
    if (!spelling) fail(line, 'the spelling is blank');
    const target = kind === 'header' ? canonical : column;
    if (kind === 'header' && column && column !== canonical) fail(line, `a header alias names its column in canonical; column "${column}" differs from "${canonical}"`);
    const sources = (source === '*' ? SOURCE_NAMES : [source as SourceName]).filter((s) => CONTRACTS[s].columns.some((c) => c.name === target));
    if (!sources.length) fail(line, `no ${source === '*' ? '' : `${source} `}column is named "${target}"`);
    for (const s of sources) {
      const contractColumn = CONTRACTS[s].columns.find((c) => c.name === target)!;
      if (kind === 'value') {
        if (contractColumn.enum) {
          if (!contractColumn.enum.some((e) => e.value === canonical)) {
            fail(line, `"${canonical}" is not a value of ${s}.${target} (${contractColumn.enum.map((e) => e.value).join(', ')})`);
          }
        } else if (contractColumn.type !== 'unit_code') {
          fail(line, `values can be taught for enumeration, yes/no and unit columns; ${s}.${target} is ${contractColumn.type}`);
        }
      }
      aliases.push({ line, source: s, kind: kind as BureauAlias['kind'], column: target, spelling, canonical });
    }
  });
  return aliases;
}

let cached: { key: string; contracts: Record<SourceName, SourceContract> } | null = null;

/**
 * The contracts with the bureau's header aliases added (`bureauAliases` of each column), read
 * again whenever the file changes.
 */
export function activeContracts(file = aliasesFile()): Record<SourceName, SourceContract> {
  const key = existsSync(file) ? `${file}|${statSync(file).mtimeMs}|${statSync(file).size}` : `${file}|none`;
  if (cached?.key === key) return cached.contracts;
  const headers = loadBureauAliases(file).filter((a) => a.kind === 'header');
  const contracts = Object.fromEntries(
    Object.values(CONTRACTS).map((contract) => [
      contract.source,
      {
        ...contract,
        columns: contract.columns.map((column) => {
          const taught = headers.filter((a) => a.source === contract.source && a.column === column.name).map((a) => a.spelling);
          return taught.length ? { ...column, bureauAliases: taught } : column;
        }),
      },
    ]),
  ) as Record<SourceName, SourceContract>;
  cached = { key, contracts };
  return contracts;
}
