import { UsageError, type Command } from '../command.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { releaseBatch } from '../../warehouse/publication.ts';

export const releaseCommand: Command = {
  name: 'release',
  summary: 'release a held batch for publication (or --discard it)',
  usage: '<batch_id> [--discard]',
  help: [['--discard', 'keep the batch out of staging and publication instead (its rows stay in raw)']],
  options: { discard: { type: 'boolean' } },
  allowPositionals: true,
  async run(values, positionals, context) {
    if (positionals.length !== 1) throw new UsageError('give the batch id to release (see `safecampus status`)');
    const decision = values.discard ? 'discarded' : 'released';
    const db = await Warehouse.open(context.dbPath);
    try {
      await releaseBatch(db, positionals[0], decision);
      context.say(`batch ${positionals[0]} ${decision}; run \`safecampus transform\` (or the pipeline) to apply it`);
      return { batch_id: positionals[0], status: decision };
    } finally {
      db.close();
    }
  },
};
