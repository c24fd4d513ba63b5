/**
 * Staging models are the same for every source, so they are generated from the source
 * contracts rather than written six times: the typed raw columns renamed as they are,
 * rows of held or discarded batches left out, and for each natural key only the latest
 * landed version (a corrected re-export supersedes the older one; raw keeps both).
 */
import { CONTRACTS } from '../sources/contracts.ts';
import type { SourceContract } from '../sources/contract.ts';
import { rawTableName, storedColumn } from '../sources/raw-tables.ts';
import { testsFromHeader, type Model } from './model.ts';

export function stagingModels(): Model[] {
  return Object.values(CONTRACTS).map(stagingModel);
}

function stagingModel(contract: SourceContract): Model {
  const name = `stg_${contract.source}`;
  const id = `staging.${name}`;
  const key = contract.naturalKey.join(', ');
  const columns = contract.columns.flatMap((c) => storedColumn(c)?.name ?? []);
  const sql = `
with landed as (
  select raw_rows.*, batches.batch_id
  from ${rawTableName(contract)} as raw_rows
  join audit.batches as batches using (batch_seq)
  where batches.status in ('landed', 'released')
),

latest_version as (
  select *, row_number() over (partition by ${key} order by batch_seq desc, row_number desc) as version_rank
  from landed
),

final as (
  select ${columns.join(', ')}, batch_id, row_number as source_row_number
  from latest_version
  where version_rank = 1
)

select * from final`;
  const header = new Map([
    ['unique', [key]],
    ['not_null', [contract.columns.filter((c) => c.required && storedColumn(c)).map((c) => storedColumn(c)!.name).join(', ')]],
  ]);
  return { id, schema: 'staging', name, grain: `${contract.grain} (latest landed version)`, sql, tests: testsFromHeader(id, header) };
}
