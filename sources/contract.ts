/**
 * The shape of a source contract: what one export of one source system must look like.
 * Each source's contract is plain data in `contracts.ts`; readers, the validator and the
 * demo-city generator (`demo/`) all read from it, so a header alias or vendor code lives in one place.
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
  | 'unit_code' // 6-digit reporting unit code; also read from the unit's name or its 12-digit 行政区划代码
  | 'integer'
  | 'number'
  | 'date' // Asia/Shanghai calendar date
  | 'datetime' // Asia/Shanghai local time
  | 'boolean' // spelled by `enum` (YES_NO): 是 / 否 and their aliases
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
  /** Headers the bureau added in data/reference/aliases.csv (set when the file is read, see aliases.ts). */
  bureauAliases?: string[];
  enum?: EnumValue[];
  /** Inclusive numeric bounds for integer/number columns. */
  min?: number;
  max?: number;
  /** Earliest plausible value of a date/datetime column ('YYYY-MM-DD'); the contract's `earliestDate` when absent. */
  earliest?: string;
  /** Personal data of a minor: never stored in clear (see `pii`). */
  pii?: 'drop' | 'hash';
  /**
   * A required column a file may leave out because its value follows from elsewhere:
   * `school_type_from_code` from the school code's first two digits (DOMAIN.md §3),
   * `as_of` from the file's report date (a title row, the file name or `--as-of`).
   * A file that has the column is read from it; a blank cell there is still missing.
   */
  derivedFrom?: 'school_type_from_code' | 'as_of';
  /** Typed by people (a description, a note): personal details in it are masked before it lands (sources/free-text.ts). */
  freeText?: boolean;
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
  /** Earliest plausible date ('YYYY-MM-DD') of the date/datetime columns that set none of their own. */
  earliestDate: string;
  /** Groups of columns of which every row must fill at least one (e.g. the school or the unit an activity belongs to). */
  oneOf?: string[][];
}

/**
 * Stable reason codes for rows that cannot be used (audit.rejects.reason_code). Each
 * reject also carries a Chinese/English message built in `validate.ts` (row checks) or
 * `readers.ts` (malformed rows); a row gets the first code that applies, in contract
 * column order, missing_required and missing_one_of first and duplicate_row last.
 */
export type RejectReason =
  | 'missing_required' // a required cell is blank
  | 'missing_one_of' // every cell of a one-of group (contract `oneOf`) is blank
  | 'bad_date' // a date/time in no known style (DOMAIN.md §4), or an impossible one
  | 'bad_number' // not a number (an integer column also refuses fractions)
  | 'bad_enum' // not a label, alias or vendor code of the column's enumeration
  | 'bad_school_code' // not 10 digits, and no single registered code ends with it
  | 'scientific_notation' // a code Excel showed as 2.141E+09: digits were lost, never guessed back
  | 'unknown_school' // a well-formed code the registry does not know
  | 'unknown_unit' // a unit code not in ref.units
  | 'out_of_range' // outside the column's min/max
  | 'early_date' // earlier than the column's earliest plausible date (an absurd year, a default like 1900-01-01)
  | 'future_date' // later than the ingest clock
  | 'duplicate_row' // every cell equal to an earlier row of the same file
  | 'malformed_row' // cannot be split into fields: cut off, too many fields, too long, not UTF-8, not a JSON object
  | 'cell_too_large'; // an XLSX cell longer than an Excel cell can be (32,767 characters)

/** Reason codes for a whole file that cannot be landed (audit.rejects row_number is null). */
export type FileRejectReason =
  | 'empty_file'
  | 'unreadable_file'
  | 'unknown_source'
  | 'ambiguous_source'
  | 'missing_columns'
  | 'duplicate_column' // one column named twice (学校标识码 twice, or beside its alias 学校代码)
  | 'too_many_columns' // more than 200 columns
  | 'inflate_limit' // an XLSX whose parts inflate past 200 times the file's size: a zip bomb
  | 'time_limit'; // an XLSX that takes longer than its time limit to read
