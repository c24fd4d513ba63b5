import { stringOption, UsageError, type Command } from '../command.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { isPeriodId, PERIOD_HELP } from '../../transforms/periods.ts';
import { defaultPeriod, readPeriodScores, type PeriodScores } from '../../transforms/scorecards.ts';

const signed = (n: number | null) => (n === null ? '—' : n > 0 ? `↑${n}` : n < 0 ? `↓${-n}` : '→0');
const pad = (text: string | number | null, width: number) => String(text ?? '—').padStart(width);

function printScores(scores: PeriodScores, say: (line: string) => void): void {
  say(`${scores.period} 考核评分${scores.isComplete ? '' : `（统计至 ${scores.asOf}，期间未结束）`}`);
  say('名次  县区代码  得分    等级    变化  学校均分  督导得分  学校数  一票否决  县区');
  for (const u of scores.units) {
    say(
      `${pad(u.rank, 4)}  ${u.unit_code}  ${pad(u.score.toFixed(2), 6)}  ${u.grade.padEnd(4, '　')}  ${pad(signed(u.rank_change), 4)}  ${pad(u.school_mean.toFixed(2), 8)}  ${pad(u.supervision_score?.toFixed(2) ?? null, 8)}  ${pad(u.n_schools, 6)}  ${u.is_vetoed ? '  是    ' : '        '}  ${u.unit_name}`,
    );
  }
  if (!('unit' in scores)) return;
  say('');
  say(`${scores.unit.unit_code} 所辖学校（按学段排名）`);
  for (const s of scores.unit.schools) {
    say(`  ${s.school_type}第${s.rank}/${s.n_ranked}名  ${s.score.toFixed(2).padStart(6)}  ${s.grade}  ${signed(s.rank_change)}  ${s.school_code} ${s.school_name}${s.is_vetoed ? `  一票否决：${s.veto_reason}` : ''}`);
  }
  say('');
  say('短板指标（低于全市中位数最多的指标）');
  for (const b of scores.unit.shortBoards) say(`  ${b.board_rank}. ${b.indicator_id} ${b.indicator_name}（差距 ${(100 * b.gap).toFixed(1)} 个百分点）— ${b.suggestion ?? ''}`);
}

export const scoreCommand: Command = {
  name: 'score',
  summary: 'show the unit scorecard of a period (latest complete year by default), and a unit’s schools with --unit',
  usage: '[--period P] [--unit CODE]',
  help: [
    ['--period P', PERIOD_HELP],
    ['--unit CODE', 'also list the unit’s schools ranked within type, and its short boards'],
  ],
  options: { period: { type: 'string' }, unit: { type: 'string' } },
  async run(values, _positionals, context) {
    const requested = stringOption(values, 'period');
    if (requested !== undefined && !isPeriodId(requested)) throw new UsageError(`--period must look like ${PERIOD_HELP}; got "${requested}"`);
    const unit = stringOption(values, 'unit');
    if (unit !== undefined && !/^\d{6}$/.test(unit)) throw new UsageError(`--unit must be a six-digit unit code such as 411002; got "${unit}"`);
    const db = await Warehouse.open(context.dbPath, { readOnly: true });
    try {
      const period = requested ?? (await defaultPeriod(db));
      if (period === null) throw new Error('no scores yet: the warehouse has no data (run `safecampus run` or `npm start`)');
      const scores = await readPeriodScores(db, period, unit);
      printScores(scores, (line) => context.say(line));
      return scores;
    } finally {
      db.close();
    }
  },
};
