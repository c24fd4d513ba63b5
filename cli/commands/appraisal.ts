import { userInfo } from 'node:os';
import { dateTime } from '../../shared/format.js';
import { dirname } from 'node:path';
import { stringOption, UsageError, type Command, type CommandContext } from '../command.ts';
import { withTemporal } from '../../workflows/dev-server.ts';
import { temporalOptions } from '../cities.ts';
import { createPipelineSteps } from '../../workflows/steps.ts';
import { appraisalStatus, signOffAppraisal, startAppraisal } from '../../workflows/appraisal-runner.ts';
import { appraisalInputProblem, type AppraisalState } from '../../workflows/appraisal-workflow.ts';
import { sayTemporal } from './run.ts';

const DURATION = /^\d+(s|m|h|d)$/;

const STATUS_TEXT: Record<AppraisalState['status'], string> = {
  waiting_for_cutoff: '等待截止日结束 waiting for the cut-off day to end',
  freezing: '冻结数据 freezing the warehouse',
  computing: '计算考核结果 computing',
  waiting_for_signoff: '待签批 waiting for sign-off',
  publishing: '记录签批 recording the sign-off',
  approved: '已批准并发布 approved and published',
  rejected: '已退回，未发布 rejected, nothing published',
};

export const appraisalCommand: Command = {
  name: 'appraisal',
  summary: 'the annual appraisal (年度考核): freeze, compute, wait for sign-off, publish only when approved',
  usage: '<year> [--cutoff YYYY-MM-DD] [--remind-every 24h] [--wait] | --approve [--by NAME] [--comment TEXT] | --reject REASON [--by NAME] | --status',
  help: [
    ['--cutoff YYYY-MM-DD', 'data landed up to the end of this day (Asia/Shanghai); default today; a later day waits for it'],
    ['--remind-every D', 'remind while waiting for sign-off every D (30s, 90m, 24h, 2d); default 24h'],
    ['--wait', 'keep serving the appraisal until it is signed off (default: return once it waits for sign-off)'],
    ['--approve', 'approve the waiting appraisal: it is recorded and published to data/appraisals/<year>/approved.duckdb'],
    ['--reject REASON', 'reject it: recorded with the reason, nothing is published'],
    ['--by NAME', 'who signs off (default: the login name)'],
    ['--comment TEXT', 'sign-off comment'],
    ['--status', "show the appraisal's state"],
    ['', 'TEMPORAL_ADDRESS set: use that Temporal service; unset: the embedded dev server under data/temporal (found if running, else started)'],
  ],
  options: {
    cutoff: { type: 'string' },
    'remind-every': { type: 'string' },
    wait: { type: 'boolean' },
    approve: { type: 'boolean' },
    reject: { type: 'string' },
    by: { type: 'string' },
    comment: { type: 'string' },
    status: { type: 'boolean' },
  },
  allowPositionals: true,
  async run(values, positionals, context) {
    if (positionals.length !== 1 || !/^\d{4}$/.test(positionals[0] ?? '')) throw new UsageError('give the appraisal year, e.g. `safecampus appraisal 2025`');
    const year = Number(positionals[0]);
    const reject = stringOption(values, 'reject');
    const modes = [values.approve === true, reject !== undefined, values.status === true].filter(Boolean).length;
    if (modes > 1) throw new UsageError('choose one of --approve, --reject REASON and --status');
    if (reject !== undefined && !reject.trim()) throw new UsageError('--reject needs the reason, e.g. --reject "县区数据未报齐"');
    const cutoff = stringOption(values, 'cutoff');
    const reminderEvery = stringOption(values, 'remind-every');
    const starting = modes === 0;
    if (!starting && (cutoff !== undefined || reminderEvery !== undefined || values.wait)) {
      throw new UsageError('--cutoff, --remind-every and --wait apply when starting an appraisal, not with --approve, --reject or --status');
    }
    if (starting && (values.by !== undefined || values.comment !== undefined)) throw new UsageError('--by and --comment go with --approve or --reject');
    const problem = appraisalInputProblem(year, cutoff);
    if (problem) throw new UsageError(problem);
    if (reminderEvery !== undefined && !DURATION.test(reminderEvery)) throw new UsageError(`--remind-every takes a duration like 30s, 90m, 24h or 2d, got "${reminderEvery}"`);

    const dbPath = context.dbPath;
    const dataDir = dirname(dbPath);
    return withTemporal(temporalOptions(context), async (temporal) => {
      sayTemporal(context, temporal, dataDir);
      const options = {
        address: temporal.address,
        namespace: temporal.namespace,
        deps: createPipelineSteps({ dbPath }),
        year,
        signal: temporal.signal,
      };
      if (values.status) {
        const view = await appraisalStatus(options);
        if (view.execution === 'NOT_FOUND') context.say(`没有 ${year} 年度考核（no appraisal-${year}; start it with \`safecampus appraisal ${year}\`）`);
        else if (view.failure) context.say(`${view.workflowId} 失败（failed）: ${view.failure}`);
        else if (view.state) sayState(view.state, context);
        else context.say(`${view.workflowId}: ${view.execution}, 尚无状态（no state yet）`);
        return view;
      }
      if (starting) {
        const { started, view } = await startAppraisal({
          ...options,
          cutoff,
          reminderEvery,
          untilClosed: values.wait === true,
          onState: (state) => context.say(`  ${STATUS_TEXT[state.status]}`),
        });
        context.say(`${started ? '已启动' : '继续进行中的'} ${year} 年度考核 ${view.workflowId}（${started ? 'started' : 'already running'}）`);
        sayState(view.state as AppraisalState, context);
        return view;
      }
      const signOff = {
        decision: values.approve ? ('approve' as const) : ('reject' as const),
        approver: stringOption(values, 'by') ?? userInfo().username,
        comment: reject ?? stringOption(values, 'comment') ?? null,
      };
      const view = await signOffAppraisal({ ...options, signOff });
      sayState(view.state as AppraisalState, context);
      return view;
    });
  },
};

function sayState(state: AppraisalState, context: CommandContext): void {
  context.say(`${state.year} 年度考核 ${state.appraisalId}：${STATUS_TEXT[state.status]}`);
  context.say(`  截止日 cut-off: ${state.cutoff}`);
  if (state.snapshotPath) context.say(`  冻结数据 frozen: ${state.snapshotPath} (sha256 ${state.snapshotSha256})`);
  if (state.summary) {
    for (const [table, rows] of Object.entries(state.summary.rows)) context.say(`  ${table} ${state.summary.period}: ${rows} 行 rows`);
  }
  if (state.status === 'waiting_for_signoff') {
    context.say(`  自 ${dateTime(state.waitingSince)} 起待签批，已提醒 ${state.remindersSent} 次（waiting since, reminders sent）`);
    context.say(`  签批：safecampus appraisal ${state.year} --approve [--by 姓名] [--comment 意见]，或 --reject 原因`);
  }
  if (state.decision) {
    const verb = state.decision.decision === 'approve' ? '批准' : '退回';
    context.say(`  ${verb}人 ${state.decision.approver}，${dateTime(state.decision.decidedAt)}${state.decision.comment ? `，意见：${state.decision.comment}` : ''}`);
  }
  if (state.publishedPath) {
    context.say(`  已发布 published: ${state.publishedPath}, ${state.manifestPath}`);
    if (state.sitePath) context.say(`  网站已更新 site rebuilt: ${state.sitePath}（“年度考核”页及其 PDF、Excel）`);
    else if (state.siteNote) context.say(`  ${state.siteNote}；立即更新：safecampus run`);
  }
}
