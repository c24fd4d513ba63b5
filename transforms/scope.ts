/**
 * Which periods a transform rebuilds. A fact on some day can change any period that ends on or
 * after it (a hazard found in March and still open is counted in every later period; screening
 * looks back a year), and nothing before it. So a transform finds the batches that came, went or
 * changed status since the last one, the earliest business day among their rows and the versions
 * they supersede, and rebuilds the periods ending on or after that day; a model declared
 * `-- incremental: <period column>` keeps its other periods' rows. Everything is rebuilt when asked
 * (`transform --full`), on the first transform, or when the definitions, reference data or models
 * changed. core.int_build_periods reads the scope from audit.transform_scope. A model that reads
 * none of the changed sources (through the models it reads) and is not built period by period is
 * left as it is, and so are its data tests.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACTS } from '../sources/contracts.ts';
import type { SourceContract } from '../sources/contract.ts';
import type { Warehouse } from '../warehouse/connection.ts';
import { rawTableName, storedColumn } from '../sources/raw-tables.ts';
import { referenceDirFor } from '../sources/reference.ts';
import { DEFINITIONS_DIR } from './definitions/load.ts';
import type { Model } from './model.ts';

/** Batches staging reads. */
const STAGED = "('landed', 'released')";
const EVERYTHING = '1900-01-01';

export interface BuildScope {
  full: boolean;
  /** Periods ending on or after this day are rebuilt ('9999-12-31': none). */
  changedFrom: string;
  /** Sources with a changed batch: their staging models and what reads them are rebuilt (all in a full build). */
  changedSources: string[];
  /** Why, in a line. */
  reason: string;
}

function filesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.')).sort().map((f) => join(dir, f)) : [];
}

/** What the models compute from besides the data: the definition files, the reference data and the models themselves. */
function transformInputsFingerprint(models: Model[], warehousePath: string): string {
  const hash = createHash('sha256');
  for (const file of [...filesIn(DEFINITIONS_DIR), ...filesIn(referenceDirFor(warehousePath))]) hash.update(`${file}\0`).update(readFileSync(file)).update('\0');
  for (const model of models) hash.update(`${model.id}\0${model.sql}\0`);
  return hash.digest('hex');
}

/** Decides the scope of this transform and records it in audit.transform_scope. */
export async function decideScope(db: Warehouse, models: Model[], { full }: { full: boolean }): Promise<BuildScope> {
  const state = await db.one<{ inputs_fingerprint: string; data_until_on: string | null }>(
    'select inputs_fingerprint, data_until_on::varchar as data_until_on from audit.transform_state',
  );
  const scope = await scopeOf(db, models, full, state?.inputs_fingerprint ?? null);
  await db.run('delete from audit.transform_scope');
  await db.run('insert into audit.transform_scope values ($1::date, $2::date, $3)', [scope.changedFrom, state?.data_until_on ?? null, scope.full]);
  return scope;
}

async function scopeOf(db: Warehouse, models: Model[], full: boolean, fingerprint: string | null): Promise<BuildScope> {
  const everything = (reason: string): BuildScope => ({ full: true, changedFrom: EVERYTHING, changedSources: Object.keys(CONTRACTS), reason });
  if (full) return everything('全部重算（--full）rebuilding everything, as asked');
  if (fingerprint === null) return everything('首次计算 the first transform of this warehouse: everything');
  if (fingerprint !== transformInputsFingerprint(models, db.path)) return everything('指标定义、参考数据或模型已变更 definitions, reference data or models changed: everything');
  const changedBatches = await db.all<{ batch_seq: number; source: string }>(
    `with now as (select batch_seq, status from audit.batches where status in ${STAGED}),
          last as (select batch_seq, status from audit.transform_batches)
     select distinct batch_seq, source from ((select * from now except select * from last) union all (select * from last except select * from now))
     join audit.batches using (batch_seq) order by 1`,
  );
  const changed = changedBatches.map((b) => b.batch_seq);
  const changedSources = [...new Set(changedBatches.map((b) => b.source))].sort();
  if (changed.length === 0) return { full: false, changedFrom: '9999-12-31', changedSources, reason: '没有批次变化 no batch changed since the last transform: no period to rebuild' };
  let earliest: string | null = null;
  for (const contract of Object.values(CONTRACTS).filter((c) => changedSources.includes(c.source))) {
    const day = await earliestDay(db, contract, changed);
    if (day !== null && (earliest === null || day < earliest)) earliest = day;
  }
  const from = earliest ?? '9999-12-31';
  return {
    full: false,
    changedFrom: from,
    changedSources,
    reason: `${changed.length} 个批次变化 batch(es) of ${changedSources.join(', ')} changed: periods ending on or after ${from} are rebuilt`,
  };
}

/**
 * The earliest business day among the rows of the changed batches of one source and every
 * version of the same records (a correction can move a record's day either way). For the
 * registry: a school's first report stands for the time before it too (everything changes);
 * a later report changes things from its report day, or from an opening or closing day it changed.
 */
async function earliestDay(db: Warehouse, contract: SourceContract, changed: number[]): Promise<string | null> {
  const raw = rawTableName(contract);
  const key = contract.naturalKey.join(', ');
  const batches = changed.join(', ');
  const versions = `
    with changed_keys as (select distinct ${key} from ${raw} where batch_seq in (${batches})),
    versions as (
      select r.* from ${raw} as r
      join audit.batches as b on b.batch_seq = r.batch_seq
      join changed_keys as k on ${contract.naturalKey.map((c) => `k.${c} = r.${c}`).join(' and ')}
      where b.status in ${STAGED} or r.batch_seq in (${batches})
    )`;
  if (contract.source === 'schools') {
    return db.value<string | null>(
      `${versions},
       reports as (
         select r.school_code, r.reported_on, r.opened_on, r.closed_on from ${raw} as r join audit.batches as b on b.batch_seq = r.batch_seq
         where b.status in ${STAGED} and r.school_code in (select school_code from changed_keys)
       )
       select min(case when p.school_code is null then date '${EVERYTHING}'
                  else least(v.reported_on,
                             case when v.opened_on is distinct from p.opened_on then least(v.opened_on, p.opened_on) end,
                             case when v.closed_on is distinct from p.closed_on then least(v.closed_on, p.closed_on) end) end)::varchar
       from versions as v asof left join reports as p on v.school_code = p.school_code and v.reported_on > p.reported_on`,
    );
  }
  const days = contract.columns.filter((c) => (c.type === 'date' || c.type === 'datetime') && storedColumn(c)).map((c) => `cast(${storedColumn(c)!.name} as date)`);
  return db.value<string | null>(`${versions} select min(least(${days.join(', ')}))::varchar from versions`);
}

/** After a transform that succeeded: what it was built from, for the next one to compare. */
export async function recordBuild(db: Warehouse, models: Model[]): Promise<void> {
  await db.run('delete from audit.transform_state');
  await db.run(
    `insert into audit.transform_state select $1, (select max(as_of_on) from core.dim_periods), now()::timestamp`,
    [transformInputsFingerprint(models, db.path)],
  );
  await db.run('delete from audit.transform_batches');
  await db.run(`insert into audit.transform_batches select batch_seq, status from audit.batches where status in ${STAGED}`);
}

/**
 * The models this build must (re)build, in order: everything in a full build; otherwise the
 * staging models of the changed sources, every model built period by period or reading the
 * audit tables (the scope, the batches), every model reading one of those, and the temporary
 * models those read.
 */
export function modelsToBuild(models: Model[], scope: BuildScope, dependencies: (model: Model) => Model[]): Set<string> {
  if (scope.full) return new Set(models.map((m) => m.id));
  const dirty = new Set<string>();
  for (const model of models) {
    const own = model.schema === 'staging' ? scope.changedSources.includes(model.name.replace(/^stg_/, '')) : Boolean(model.incrementalBy) || /\baudit\./.test(model.sql);
    if (own || dependencies(model).some((d) => dirty.has(d.id))) dirty.add(model.id);
  }
  // a temporary model exists only while a transform builds it: it is built whenever a model reading it is
  for (const model of [...models].reverse()) {
    if (dirty.has(model.id)) for (const d of dependencies(model)) if (d.isTemporary) dirty.add(d.id);
  }
  return dirty;
}
