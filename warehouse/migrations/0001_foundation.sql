-- Schemas of DESIGN.md, the audit trail of every load and run, and the reference tables.
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists core;
create schema if not exists marts;
create schema if not exists audit;
create schema if not exists ref;

-- One row per landing attempt of one file.
create table audit.batches (
  batch_id varchar primary key,
  batch_seq bigint not null,          -- landing order; later batches supersede earlier ones
  file varchar not null,              -- path as given to ingest
  source varchar,                     -- null when the source could not be determined
  format varchar,
  sha256 varchar not null,
  bytes bigint not null,
  archive_path varchar,
  rows_read integer not null default 0,
  rows_landed integer not null default 0,
  rows_rejected integer not null default 0,
  status varchar not null,            -- landed | held | released | failed
  message varchar,
  started_at timestamp not null,
  finished_at timestamp
);
create sequence audit.batch_seq start 1;

-- One row per data row that could not be used.
create table audit.rejects (
  batch_id varchar not null,
  file varchar not null,
  row_number integer,                 -- data row number in the file (header excluded), null for file-level problems
  reason_code varchar not null,
  message varchar not null,
  raw varchar                         -- the row as received (JSON), student PII masked
);

-- One row per pipeline step run (ingest, transform, score, publish) for operators.
create table audit.runs (
  run_id varchar primary key,
  kind varchar not null,
  started_at timestamp not null,
  finished_at timestamp,
  status varchar not null,            -- running | succeeded | failed | stopped
  detail varchar
);

-- One row per published snapshot.
create table audit.snapshots (
  snapshot_id varchar primary key,
  path varchar not null,
  created_at timestamp not null,
  run_id varchar
);

create table ref.units (
  unit_code varchar primary key,
  unit_name varchar not null,
  unit_pinyin varchar not null,
  unit_kind varchar not null,
  is_ranked boolean not null,
  has_official_code boolean not null
);

create table ref.checklist_items (
  item_code varchar primary key,
  item_name varchar not null,
  category varchar not null,
  is_escape_obstacle boolean not null,
  applies_to varchar not null         -- all | boarding | near_water | not_kindergarten
);

-- Every accepted spelling of every enumeration value of every source contract.
create table ref.enum_aliases (
  source varchar not null,
  column_name varchar not null,
  alias varchar not null,             -- lower-cased, trimmed
  value varchar not null,             -- canonical Chinese label
  primary key (source, column_name, alias)
);

-- Dates and times in every style the exports use (DOMAIN.md §4), read as Asia/Shanghai:
-- 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 2024年03月05日 10:05, Excel serials,
-- and ISO 8601 with an offset (converted to Shanghai local time). Null when unreadable.
create macro ref.parse_timestamp(s) as (
  case
    when regexp_matches(trim(s), '^\d{5}(\.\d+)?$')
      then timestamp '1899-12-30' + to_microseconds(cast(round(cast(trim(s) as double) * 86400000000) as bigint))
    when regexp_matches(trim(s), '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$')
      then try_cast(timezone('Asia/Shanghai', try_cast(trim(s) as timestamptz)) as timestamp)
    else try_strptime(
      regexp_replace(regexp_replace(trim(s), '^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?', '\1-\2-\3'), '[ T]+', ' '),
      ['%Y-%m-%d', '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f'])
  end
);
