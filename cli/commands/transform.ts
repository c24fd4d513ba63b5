import type { Command } from '../command.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { loadModels, runTransform } from '../../transforms/runner.ts';
import { startProgress } from '../progress.ts';

export const transformCommand: Command = {
  name: 'transform',
  summary: 'rebuild staging, core and marts and run the data tests',
  usage: '[--full]',
  help: [['--full', 'rebuild every period (by default only the periods the batches since the last transform touch)']],
  options: { full: { type: 'boolean' } },
  async run(values, _positionals, context) {
    const db = await Warehouse.open(context.dbPath);
    try {
      await initWarehouse(db);
      const models = loadModels();
      const progress = startProgress(context, 'transform', models.length + models.reduce((n, m) => n + m.tests.length, 0), '模型与数据检验 models and tests');
      const result = await runTransform(db, { models, full: values.full === true, onProgress: (done, _total, detail) => progress.update(done, detail) }).finally(() =>
        progress.finish(),
      );
      context.say(result.scope.reason);
      context.say(`built ${result.models.length} models; ${result.tests.length} data tests, ${result.failures.length} failing`);
      for (const failure of result.failures) context.say(`  FAIL ${failure.model} ${failure.test}: ${failure.failingRows} row(s), e.g. ${failure.sample}`);
      if (result.failures.length) throw new Error(`${result.failures.length} data test(s) failed; nothing will be published until they pass (see audit.data_tests)`);
      return result;
    } finally {
      db.close();
    }
  },
};
