-- Raw rows name the batch that brought them by batch_seq alone (audit.batches maps it to the
-- batch_id and the file): the 36-character batch_id repeated on every raw row cost a quarter
-- of the time it takes to write a large export's rows, and said nothing batch_seq does not.
-- The raw tables are created by the code after the migrations (warehouse/raw-tables.ts); in a
-- new warehouse none exists yet and every statement here does nothing.
alter table if exists raw.schools drop column if exists batch_id;
alter table if exists raw.inspections drop column if exists batch_id;
alter table if exists raw.sensors drop column if exists batch_id;
alter table if exists raw.alerts drop column if exists batch_id;
alter table if exists raw.cases drop column if exists batch_id;
alter table if exists raw.activities drop column if exists batch_id;
