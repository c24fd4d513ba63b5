import type { Command } from '../command.ts';
import { resolveDbPath, Warehouse } from '../../warehouse/connection.ts';
import { readLatestSnapshot } from '../../warehouse/snapshot.ts';
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
      const version = await db.value<number>('select max(version) from audit.schema_migrations');
      const batches = await db.all<{ source: string | null; status: string; files: number; rows_landed: number; rows_rejected: number }>(
        `select source, status, count(*) as files, sum(rows_landed) as rows_landed, sum(rows_rejected) as rows_rejected
         from audit.batches group by all order by source, status`,
      );
      const held = await db.all<{ batch_id: string; file: string }>("select batch_id, file from audit.batches where status = 'held'");
      const runs = await db.all<{ kind: string; status: string; started_at: string; finished_at: string | null }>(
        'select kind, status, started_at, finished_at from audit.runs order by started_at desc limit 5',
      );
      const snapshot = readLatestSnapshot(path);
      context.say(`warehouse ${path} (schema version ${version})`);
      context.say('batches:');
      for (const b of batches) context.say(`  ${(b.source ?? '(unknown)').padEnd(12)} ${b.status.padEnd(9)} ${b.files} file(s), ${b.rows_landed ?? 0} rows landed, ${b.rows_rejected ?? 0} rejected`);
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
