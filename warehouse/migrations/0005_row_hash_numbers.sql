-- Row hashes become 16-byte numbers (md5_number of the row's cells) instead of 32-character
-- hex text: grouping rows by hash to find exact duplicates and writing the hash to raw
-- cost a fraction of what they did. Existing hashes keep their meaning: md5_number reads
-- the digest's bytes little-endian, so the hex text is parsed with its bytes reversed.
-- The raw tables are created by the code after the migrations (warehouse/raw-tables.ts);
-- in a new warehouse none exists yet and every statement here does nothing.
alter table if exists raw.schools alter row_hash set data type uhugeint using (('0x' || left(array_to_string(list_reverse(regexp_extract_all(row_hash, '..')), ''), 16))::ubigint::uhugeint << 64) | ('0x' || right(array_to_string(list_reverse(regexp_extract_all(row_hash, '..')), ''), 16))::ubigint::uhugeint;
alter table if exists raw.inspections alter row_hash set data type uhugeint using (('0x' || left(array_to_string(list_reverse(regexp_extract_all(row_hash, '..')), ''), 16))::ubigint::uhugeint << 64) | ('0x' || right(array_to_string(list_reverse(regexp_extract_all(row_hash, '..')), ''), 16))::ubigint::uhugeint;
alter table if exists raw.sensors alter row_hash set data type uhugeint using (('0x' || left(array_to_string(list_reverse(regexp_extract_all(row_hash, '..')), ''), 16))::ubigint::uhugeint << 64) | ('0x' || right(array_to_string(list_reverse(regexp_extract_all(row_hash, '..')), ''), 16))::ubigint::uhugeint;
alter table if exists raw.alerts alter row_hash set data type uhugeint using (('0x' || left(array_to_string(list_reverse(regexp_extract_all(row_hash, '..')), ''), 16))::ubigint::uhugeint << 64) | ('0x' || right(array_to_string(list_reverse(regexp_extract_all(row_hash, '..')), ''), 16))::ubigint::uhugeint;
alter table if exists raw.cases alter row_hash set data type uhugeint using (('0x' || left(array_to_string(list_reverse(regexp_extract_all(row_hash, '..')), ''), 16))::ubigint::uhugeint << 64) | ('0x' || right(array_to_string(list_reverse(regexp_extract_all(row_hash, '..')), ''), 16))::ubigint::uhugeint;
alter table if exists raw.activities alter row_hash set data type uhugeint using (('0x' || left(array_to_string(list_reverse(regexp_extract_all(row_hash, '..')), ''), 16))::ubigint::uhugeint << 64) | ('0x' || right(array_to_string(list_reverse(regexp_extract_all(row_hash, '..')), ''), 16))::ubigint::uhugeint;
