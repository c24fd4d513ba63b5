-- One row per data test per transform run; failing_rows > 0 at severity error stops publication.
create table audit.data_tests (
  run_id varchar not null,
  model varchar not null,
  test varchar not null,
  severity varchar not null,          -- error | warn
  failing_rows integer not null,
  sample varchar,                     -- up to five offending rows (JSON)
  tested_at timestamp not null
);
