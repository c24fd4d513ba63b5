-- One row per annual appraisal (年度考核) run: the frozen snapshot it was computed on, the
-- indicator definition edition it used, and its sign-off. Written by the appraisal workflow:
-- pending when computed, approved or rejected by the sign-off signal. Only an approved
-- appraisal is published (published_path: data/appraisals/<year>/approved.duckdb).
create table audit.appraisals (
  appraisal_id varchar primary key,   -- <year>-<requested YYYYMMDD>-<last 8 hex of the workflow run id>
  year integer not null,
  cutoff_on date not null,            -- data landed up to the end of this day (Asia/Shanghai)
  snapshot_path varchar not null,     -- data/appraisals/<year>/<appraisal_id>.duckdb, immutable
  snapshot_sha256 varchar not null,
  definition_version varchar not null,
  definition_sha256 varchar not null,
  summary varchar,                    -- JSON: rows per appraisal mart for the year
  status varchar not null check (status in ('pending', 'approved', 'rejected')),
  approver varchar,
  comment varchar,
  requested_at timestamp not null,
  decided_at timestamp,
  published_path varchar,
  published_at timestamp
);
