import type { Command } from '../command.ts';
import { resolveDbPath, Warehouse } from '../../warehouse/connection.ts';
import { readLatestSnapshot } from '../../warehouse/snapshot.ts';
import { typedWarehouse } from '../../warehouse/kysely.ts';
import { existsSync } from 'node:fs';

export const statusCommand: Command = {
  name: 'status',
  summary: 'what the warehouse holds: batches, held batches, last runs, latest snapshot',
  usage: '',
  help: [],
  options: {},
  async run(_values, _positionals, context) {
    const path = resolveDbPath();
    if (!existsSync(path)) throw new Error(`no warehouse at ${path}: run \`safecampus init\` or \`npm start\` first`);
    const db = await Warehouse.open(path, { readOnly: true });
    try {
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
      context.say(`latest snapshot: ${snapshot ? `${snapshot.path} (${snapshot.created_at})` : 'none yet'}`);
      return { path, schema_version: version, batches, held, runs, latest_snapshot: snapshot };
    } finally {
      db.close();
    }
  },
};
