-- Rejects per batch and reason: one row per batch and reason code, for the operator's
-- "what was rejected and why" and for checks against a generator's manifest.
-- n_rows counts data rows (row_number not null); a file-level reason (empty_file,
-- unknown_source, …) has n_rejects 1 and n_rows 0.
create view audit.reject_counts as
select
  rejects.batch_id,
  batches.batch_seq,
  batches.file,
  batches.source,
  batches.status,
  rejects.reason_code,
  count(*) as n_rejects,
  count(rejects.row_number) as n_rows,
  min(rejects.row_number) as first_row_number,
  min(rejects.message) as example_message
from audit.rejects as rejects
join audit.batches as batches using (batch_id)
group by all;
