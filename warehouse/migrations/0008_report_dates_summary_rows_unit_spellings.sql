-- Exports as they really arrive (issue 14): a registry's report date may come from outside its
-- rows, a sheet may end in a totals row, and a county may be written by its name.
-- Where a batch's as-of (report) date came from: `column` (every row carries its own), `title_row`,
-- `file_name` or `option` (ingest --as-of); null for sources without a report date.
alter table audit.batches add column as_of_source varchar;
-- The date itself when it came from outside the rows (null for `column`).
alter table audit.batches add column as_of_on date;
-- The text it was read from: the title row, the file name or the option as given.
alter table audit.batches add column as_of_text varchar;
-- Summary rows (合计, 总计, 小计) skipped: not records, so neither landed nor rejected.
alter table audit.batches add column rows_skipped integer default 0;

-- Every spelling a unit is written by in the exports: its code, its name, its name after the
-- city's, and the bureau's own aliases (data/reference/aliases.csv). Lower-cased, full-width
-- forms folded. Refreshed with the reference data on every init.
create table ref.unit_spellings (
  spelling varchar primary key,
  unit_code varchar not null,
  origin varchar not null             -- code | name | city_and_name | bureau_alias
);
