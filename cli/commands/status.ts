import { CommandOutcome, stringOption, UsageError, type Command, type CommandContext } from '../command.ts';
import { dateTime } from '../../shared/format.js';
import { Warehouse } from '../../warehouse/connection.ts';
import { readLatestSnapshot } from '../../warehouse/snapshot.ts';
import { typedWarehouse } from '../../warehouse/kysely.ts';
import { CheckDayError, checkSourceHealth, healthReportLines } from '../../transforms/source-health.ts';
import { isIsoDate, shanghaiDate } from '../../workflows/calendar.ts';
import { existsSync } from 'node:fs';

export const statusCommand: Command = {
  name: 'status',
  summary: 'what the warehouse holds: batches, held batches, last runs, latest snapshot; --health: which units and schools are late sending (exit 1 when any source is missing)',
  usage: '[--health [--on YYYY-MM-DD]]',
  help: [
    ['--health', '报送监测: the units and schools late (迟报) or missing (缺报) with each source, and volume drops (异常); exits 1 when anything is 缺报'],
    ['--on YYYY-MM-DD', 'with --health: the day to judge on (default today in Asia/Shanghai; the pages use the day the data runs to)'],
  ],
  options: { health: { type: 'boolean' }, on: { type: 'string' } },
  async run(values, _positionals, context) {
    const on = stringOption(values, 'on');
    if (on !== undefined && !values.health) throw new UsageError('--on goes with --health');
    if (on !== undefined && !isIsoDate(on)) throw new UsageError(`--on must be a date written YYYY-MM-DD, got "${on}"`);
    const path = context.dbPath;
    if (!existsSync(path)) throw new Error(`no warehouse at ${path}: run \`safecampus init\` or \`npm start\` first`);
    const db = await Warehouse.open(path, { readOnly: true });
    try {
      return values.health ? await health(db, on ?? shanghaiDate(Date.now()), context) : await warehouseStatus(db, path, context);
    } finally {
      db.close();
    }
  },
};

async function health(db: Warehouse, checkOn: string, context: CommandContext): Promise<unknown> {
  const check = await checkSourceHealth(db, checkOn).catch((error: unknown) => {
    throw error instanceof CheckDayError ? new UsageError(`--on: ${error.message}`) : error;
  });
  for (const line of healthReportLines(check)) context.say(line);
  if (check.counts.missing === 0) return check;
  return new CommandOutcome(check, 1, `缺报 ${check.counts.missing} 项（${check.counts.missing} reporting row(s) missing on ${checkOn}）`);
}

async function warehouseStatus(db: Warehouse, path: string, context: CommandContext): Promise<unknown> {
  const q = typedWarehouse(db);
  const { version } = await q
    .selectFrom('audit.schema_migrations')
    .select((eb) => eb.fn.max('version').as('version'))
    .executeTakeFirstOrThrow();
  const batches = await q
    .selectFrom('audit.batches')
    .select((eb) => [
      'source',
      'status',
      eb.fn.countAll<number>().as('files'),
      eb.fn.sum<number>('rows_landed').as('rows_landed'),
      eb.fn.sum<number>('rows_rejected').as('rows_rejected'),
    ])
    .groupBy(['source', 'status'])
    .orderBy('source')
    .orderBy('status')
    .execute();
  const held = await q.selectFrom('audit.batches').select(['batch_id', 'file']).where('status', '=', 'held').orderBy('batch_seq').execute();
  const runs = await q
    .selectFrom('audit.runs')
    .select(['kind', 'status', 'started_at', 'finished_at'])
    .orderBy('started_at', 'desc')
    .limit(5)
    .execute();
  const snapshot = readLatestSnapshot(path);
  context.say(`warehouse ${path} (schema version ${version})`);
  context.say('batches:');
  for (const b of batches) context.say(`  ${(b.source ?? '(unknown)').padEnd(12)} ${b.status.padEnd(9)} ${b.files} file(s), ${b.rows_landed} rows landed, ${b.rows_rejected} rejected`);
  for (const h of held) context.say(`  HELD ${h.batch_id} ${h.file} — \`safecampus release ${h.batch_id}\` after review`);
  context.say('recent runs:');
  for (const r of runs) context.say(`  ${r.started_at} ${r.kind} ${r.status}`);
  context.say(`最新快照 latest snapshot: ${snapshot ? `${snapshot.path}（${dateTime(snapshot.created_at)} 发布）` : '尚无 none yet'}`);
  return { path, schema_version: version, batches, held, runs, latest_snapshot: snapshot };
}
