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
      // the data tests take seconds where the models take minutes: together they are the bar's last step, or its estimate would count them as models
      const progress = startProgress(context, 'transform', models.length + 1, '模型，最后数据检验 models, then the data tests');
      const onProgress = (done: number, total: number, detail: string) =>
        done <= models.length
          ? progress.update(done, detail)
          : progress.update(done === total ? models.length + 1 : models.length, `数据检验 data tests ${done - models.length}/${total - models.length}`);
      const result = await runTransform(db, { models, full: values.full === true, onProgress }).finally(() => progress.finish());
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
