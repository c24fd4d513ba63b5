/**
 * Personal details typed into free text (DOMAIN.md §6): a hazard description naming the
 * student who reported it, a case summary with the guardian's mobile number. Before any row
 * of a file lands, its free-text columns — the contract's `freeText` columns (隐患描述, 备注)
 * and every column the contract does not know (a case's 简要经过) — have resident ID numbers,
 * mobile numbers and the names that the file's own PII columns carry masked
 * (`maskPersonalTextSql`): raw, staging, core, snapshots and everything published from them
 * only ever see the masked text. The content and messages of rejected rows are masked the same
 * way (`mask`), whatever column the details were typed into.
 */
import type { SourceContract } from './contract.ts';
import type { HeaderMapping } from './detect.ts';
import { maskPersonalTextSql } from './pii.ts';
import { quoteIdent } from './readers.ts';
import { piiHeadersOf } from './validate.ts';
import type { Warehouse } from '../warehouse/connection.ts';

export interface FreeTextMasking {
  /** The file's relation with its free-text columns masked, for everything that lands. */
  relation: string;
  /** SQL masking a text expression (a reject's content or message) the same way. */
  mask(expression: string): string;
  /** How many cells of the free-text columns the masking changed. */
  maskedCells(): Promise<number>;
}

/** The file's headers that hold free text: the contract's free-text columns and the columns it does not know (PII ones are never kept). */
export function freeTextHeaders(contract: SourceContract, mapping: HeaderMapping): string[] {
  const pii = piiHeadersOf(contract, mapping);
  const mapped = contract.columns.filter((c) => c.freeText).flatMap((c) => mapping.columns.get(c.name) ?? []);
  return [...mapped, ...mapping.extras.filter((h) => !pii.has(h))];
}

/**
 * The names in the file's PII columns (a student's, a guardian's): values of 2 to 20 letters
 * (middle dots and spaces allowed, as in 买买提·艾力), so an ID or phone number is no "name".
 */
async function personalNames(db: Warehouse, contract: SourceContract, mapping: HeaderMapping, relation: string): Promise<string[]> {
  const pii = [...piiHeadersOf(contract, mapping)];
  if (pii.length === 0) return [];
  const values = pii.map((h) => `select trim(${quoteIdent(h)}) as name from ${relation}`).join(' union ');
  const rows = await db.all<{ name: string }>(`select name from (${values}) where regexp_full_match(name, '[\\p{L}·・. ]{2,20}') order by name`);
  return rows.map((r) => r.name);
}

export async function maskFreeText(db: Warehouse, contract: SourceContract, mapping: HeaderMapping, relation: string): Promise<FreeTextMasking> {
  const names = await personalNames(db, contract, mapping, relation);
  const mask = (expression: string) => maskPersonalTextSql(expression, names);
  const columns = freeTextHeaders(contract, mapping).map(quoteIdent);
  return {
    relation: columns.length ? `(select * replace (${columns.map((c) => `${mask(c)} as ${c}`).join(', ')}) from ${relation})` : relation,
    mask,
    maskedCells: async () =>
      columns.length ? db.value<number>(`select ${columns.map((c) => `count(*) filter (where ${mask(c)} <> ${c})`).join(' + ')} from ${relation}`) : 0,
  };
}
