import { stringOption, UsageError, type Command } from '../command.ts';
import { resolveDbPath, Warehouse } from '../../warehouse/connection.ts';
import { isPeriodId, PERIOD_HELP } from '../../transforms/periods.ts';

export const scoreCommand: Command = {
  name: 'score',
  summary: 'show the unit ranking of a period (latest year by default)',
  usage: '[--period P]',
  help: [['--period P', PERIOD_HELP]],
  options: { period: { type: 'string' } },
  async run(values, _positionals, context) {
    const requested = stringOption(values, 'period');
    if (requested !== undefined && !isPeriodId(requested)) throw new UsageError(`--period must look like ${PERIOD_HELP}; got "${requested}"`);
    const db = await Warehouse.open(resolveDbPath(), { readOnly: true });
    try {
      if (!(await db.tableExists('marts', 'unit_indicator_ranking'))) throw new Error('no scores yet: run `safecampus transform` (or `safecampus run`) first');
      const period =
        requested ?? (await db.value<string | null>("select max(period_id) from core.dim_periods where period_kind = 'year'"));
      const rows = await db.all<{ unit_code: string; unit_name: string; value: number | null; numerator: number; denominator: number; n_schools: number; rank: number | null }>(
        `select unit_code, unit_name, value, numerator, denominator, n_schools, rank from marts.unit_indicator_ranking
         where period = $1 and indicator_id = 'A3' order by rank nulls last, unit_code`,
        [period ?? ''],
      );
      if (!rows.length) throw new Error(`no scores for period ${period}: the warehouse has no data in it (see \`safecampus status\`)`);
      context.say(`A3 隐患按期整改率 — ${period}`);
      for (const r of rows) {
        const pct = r.value === null ? '   —  ' : `${(100 * r.value).toFixed(1).padStart(5)}%`;
        context.say(`${String(r.rank ?? '-').padStart(3)}  ${r.unit_code} ${pct}  ${r.unit_name}  (${r.numerator}/${r.denominator}, ${r.n_schools} schools)`);
      }
      return { period, indicator_id: 'A3', units: rows };
    } finally {
      db.close();
    }
  },
};
