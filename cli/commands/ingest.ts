import { existsSync } from 'node:fs';
import { stringOption, UsageError, type Command } from '../command.ts';
import { resolveDbPath, Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../warehouse/init.ts';
import { ingestPath } from '../../sources/ingest.ts';
import { SOURCE_NAMES, type SourceName } from '../../sources/contract.ts';

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'land export files (a file or a folder) into the warehouse',
  usage: '<file|dir> [--source NAME] [--sheet NAME] [--hold-threshold SHARE]',
  help: [
    ['--source NAME', `force the source (${SOURCE_NAMES.join('|')}); detected from headers otherwise`],
    ['--sheet NAME', 'XLSX sheet to read (default: the first)'],
    ['--hold-threshold SHARE', 'reject share above which a batch is held (default 0.2)'],
  ],
  options: { source: { type: 'string' }, sheet: { type: 'string' }, 'hold-threshold': { type: 'string' } },
  allowPositionals: true,
  async run(values, positionals, context) {
    if (positionals.length !== 1) throw new UsageError('give exactly one file or folder to ingest');
    const path = positionals[0];
    if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
    const source = stringOption(values, 'source');
    if (source !== undefined && !SOURCE_NAMES.includes(source as SourceName)) {
      throw new UsageError(`--source must be one of ${SOURCE_NAMES.join(', ')}, got "${source}"`);
    }
    const thresholdText = stringOption(values, 'hold-threshold');
    const holdThreshold = thresholdText === undefined ? undefined : Number(thresholdText);
    if (holdThreshold !== undefined && !(holdThreshold >= 0 && holdThreshold <= 1)) {
      throw new UsageError(`--hold-threshold must be a share between 0 and 1, got "${thresholdText}"`);
    }
    const db = await Warehouse.open(resolveDbPath());
    try {
      await initWarehouse(db);
      const results = await ingestPath(db, path, { source: source as SourceName | undefined, sheet: stringOption(values, 'sheet'), holdThreshold });
      for (const r of results) {
        const rejects = Object.entries(r.rejectsByReason).map(([k, n]) => `${k} ${n}`).join(', ');
        const masked = r.cellsMasked ? `, personal details masked in ${r.cellsMasked} free-text cell(s)` : '';
        context.say(`${r.status.padEnd(7)} ${r.source ?? '?'} ${r.file}: ${r.rowsLanded} landed, ${r.rowsRejected} rejected${rejects ? ` (${rejects})` : ''}${masked}${r.message ? ` — ${r.message}` : ''}`);
      }
      const failed = results.filter((r) => r.status === 'failed').length;
      context.say(`${results.length} file(s): ${results.filter((r) => r.status === 'landed').length} landed, ${results.filter((r) => r.status === 'held').length} held, ${results.filter((r) => r.status === 'skipped').length} skipped, ${failed} failed`);
      if (failed && failed === results.length) throw new Error('no file could be landed; see the messages above and audit.rejects');
      return results;
    } finally {
      db.close();
    }
  },
};
