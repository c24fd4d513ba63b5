/**
 * The shape of a source contract: what one export of one source system must look like.
 * Each source's contract is plain data in `contracts.ts`; readers, the validator and the
 * demo-city generator all read from it, so a header alias or vendor code lives in one place.
 */

export type SourceName = 'schools' | 'inspections' | 'sensors' | 'alerts' | 'cases' | 'activities';

export const SOURCE_NAMES: readonly SourceName[] = [
  'schools',
  'inspections',
  'sensors',
  'alerts',
  'cases',
  'activities',
];

export type ColumnType =
  | 'text'
  | 'school_code' // 10-digit 学校标识码, always text
  | 'unit_code' // 6-digit reporting unit code
  | 'integer'
  | 'number'
  | 'date' // Asia/Shanghai calendar date
  | 'datetime' // Asia/Shanghai local time
  | 'boolean'
  | 'enum';

/** One allowed value of an enumeration, with every spelling the vendors use for it. */
export interface EnumValue {
  /** Canonical Chinese label stored in staging. */
  value: string;
  /** Other spellings and vendor codes accepted for it (matched case-insensitively). */
  aliases: string[];
}

export interface ColumnContract {
  /** Canonical column name in staging (English, snake_case). */
  name: string;
  type: ColumnType;
  required: boolean;
  /** Chinese header as the bureau's systems usually write it. */
  zh: string;
  /** Headers accepted for this column besides `name` and `zh`. */
  aliases: string[];
  enum?: EnumValue[];
  /** Inclusive numeric bounds for integer/number columns. */
  min?: number;
  max?: number;
  /** Personal data of a minor: never stored in clear (see `pii`). */
  pii?: 'drop' | 'hash';
}

export interface SourceContract {
  source: SourceName;
  /** Chinese name of the export, for messages and pages. */
  zh: string;
  /** One sentence: what one row is. */
  grain: string;
  /** Columns that identify one record; a later row with the same key supersedes. */
  naturalKey: string[];
  columns: ColumnContract[];
}

/** Stable reason codes for rows that cannot be used; messages are in `reasons.ts`. */
export type RejectReason =
  | 'missing_required'
  | 'bad_date'
  | 'bad_number'
  | 'bad_enum'
  | 'bad_school_code'
  | 'unknown_school'
  | 'unknown_unit'
  | 'out_of_range'
  | 'future_date'
  | 'duplicate_row'
  | 'malformed_row';

/** Reason codes for a whole file that cannot be landed (audit.rejects row_number is null). */
export type FileRejectReason = 'empty_file' | 'unreadable_file' | 'unknown_source' | 'ambiguous_source' | 'missing_columns';
