/**
 * `safecampus report --unit CODE | --school CODE --period P [--all-schools] [--out DIR] [--snapshot PATH]`:
 * the 评估报告 (HTML + PDF) of a unit or a school from the latest published snapshot.
 * `--appraisal YEAR` writes the annual appraisal files instead (a draft without sign-off; the
 * appraisal workflow signs it off).
 */
import { resolve } from 'node:path';
import { stringOption, UsageError, type Command } from '../command.ts';
import { writeAppraisalReports } from '../../reports/appraisal/index.ts';
import { writeAssessmentReports, type Subject } from '../../reports/assessment/index.ts';
import { latestSnapshotPath } from '../../reports/source.ts';
import { isPeriodId, PERIOD_HELP } from '../../transforms/periods.ts';

export const reportCommand: Command = {
  name: 'report',
  summary: 'write the 评估报告 (HTML + PDF) of a unit or a school, or a draft annual appraisal',
  usage: '--unit CODE | --school CODE --period P [--all-schools] [--out DIR] [--snapshot PATH]\n       report --appraisal YEAR [--out DIR] [--snapshot PATH]',
  help: [
    ['--unit CODE', 'a unit (six-digit code, e.g. 411002): its score, schools (weakest first), indicators, problems, short boards, checklist'],
    ['--school CODE', 'a school (学校标识码, 10 digits)'],
    ['--period P', PERIOD_HELP],
    ['--all-schools', 'with --unit: also one report per school of the unit'],
    ['--appraisal YEAR', 'the annual appraisal (report.html/pdf, ranking.xlsx, ranking.csv) as an unsigned draft'],
    ['--out DIR', 'where to write (default data/reports)'],
    ['--snapshot PATH', 'a snapshot .duckdb file (default: the latest published one next to the warehouse)'],
  ],
  options: {
    unit: { type: 'string' },
    school: { type: 'string' },
    period: { type: 'string' },
    'all-schools': { type: 'boolean' },
    appraisal: { type: 'string' },
    out: { type: 'string' },
    snapshot: { type: 'string' },
  },
  async run(values, _positionals, context) {
    const outDir = resolve(stringOption(values, 'out') ?? 'data/reports');
    const snapshotPath = () => stringOption(values, 'snapshot') ?? latestSnapshotPath(context.dbPath);
    const appraisal = stringOption(values, 'appraisal');
    if (appraisal !== undefined) {
      if (!/^\d{4}$/.test(appraisal)) throw new UsageError(`--appraisal must be a year such as 2025; got "${appraisal}"`);
      if (values.unit !== undefined || values.school !== undefined) throw new UsageError('--appraisal covers every unit: drop --unit/--school');
      const files = await writeAppraisalReports({ snapshotPath: snapshotPath(), year: Number(appraisal), outDir, signOff: null });
      context.say(`${appraisal}年度考核报告（未签批草稿）已写入 ${outDir}：report.html、report.pdf、ranking.xlsx、ranking.csv、ranking-schools.csv`);
      return files;
    }
    const subject = subjectOf(stringOption(values, 'unit'), stringOption(values, 'school'));
    const period = stringOption(values, 'period');
    if (period === undefined) throw new UsageError(`give --period P: ${PERIOD_HELP}`);
    if (!isPeriodId(period)) throw new UsageError(`--period must look like ${PERIOD_HELP}; got "${period}"`);
    const allSchools = values['all-schools'] === true;
    if (allSchools && subject.kind !== 'unit') throw new UsageError('--all-schools goes with --unit CODE');
    const started = Date.now();
    const files = await writeAssessmentReports({ snapshotPath: snapshotPath(), period, subject, allSchools, outDir });
    for (const f of files) context.say(`评估报告 ${f.subject.code}：${f.html}、${f.pdf}`);
    context.say(`共 ${files.length} 份，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`);
    return files;
  },
};

function subjectOf(unit: string | undefined, school: string | undefined): Subject {
  if (unit !== undefined && school !== undefined) throw new UsageError('give --unit CODE or --school CODE, not both');
  if (unit !== undefined) {
    if (!/^\d{6}$/.test(unit)) throw new UsageError(`--unit must be a six-digit unit code such as 411002; got "${unit}"`);
    return { kind: 'unit', code: unit };
  }
  if (school !== undefined) {
    if (!/^\d{10}$/.test(school)) throw new UsageError(`--school must be a 10-digit 学校标识码 such as 2141000101; got "${school}"`);
    return { kind: 'school', code: school };
  }
  throw new UsageError('give --unit CODE or --school CODE (or --appraisal YEAR)');
}
