-- How many free-text cells of a batch had personal details masked before they landed (an ID
-- number, a mobile number or a name its file's PII columns carry, typed into 隐患描述, 备注 or a
-- column the contract does not know): sources/free-text.ts. Batches landed before count 0
-- (DuckDB adds no NOT NULL column; the ingest always writes a number).
alter table audit.batches add column masked_cells integer default 0;
