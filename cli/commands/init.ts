import type { Command } from '../command.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';

export const initCommand: Command = {
  name: 'init',
  summary: 'create or migrate the warehouse and load reference data',
  usage: '',
  help: [],
  options: {},
  async run(_values, _positionals, context) {
    const path = context.dbPath;
    const db = await Warehouse.open(path);
    try {
      const result = await initWarehouse(db);
      context.say(
        result.applied.length
          ? `warehouse ${path}: applied ${result.applied.join(', ')} (schema version ${result.version})`
          : `warehouse ${path}: up to date (schema version ${result.version})`,
      );
      return { path, ...result };
    } finally {
      db.close();
    }
  },
};
