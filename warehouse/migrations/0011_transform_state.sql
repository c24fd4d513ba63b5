-- What the last transform was built from, so the next one recomputes only the periods whose
-- inputs changed (transforms/scope.ts): a fingerprint of the definitions, reference data and
-- models, the day the data ran to, and the batches it read with their status.
create table audit.transform_state (
  inputs_fingerprint varchar not null,
  data_until_on date,
  built_at timestamp not null
);

create table audit.transform_batches (
  batch_seq bigint not null,
  status varchar not null
);

-- The transform in progress (or the last one): the periods ending on or after changed_from_on are
-- rebuilt (1900-01-01: all of them); core.int_build_periods reads it.
create table audit.transform_scope (
  changed_from_on date not null,
  previous_data_until_on date,
  is_full boolean not null
);
