-- What a published snapshot (and the site built from it) was made from, so a run with nothing
-- new can say so and stop: a fingerprint of the batches, definitions, reference data and models,
-- and of the site's own sources with the folder it was built into.
alter table audit.snapshots add column input_fingerprint varchar;
alter table audit.snapshots add column site_fingerprint varchar;
alter table audit.snapshots add column site_dir varchar;
