import { dirname, resolve } from 'node:path';
import { dateTime } from '../../shared/format.js';
import { stringOption, UsageError, type Command, type CommandContext } from '../command.ts';
import { connectClient } from '../../workflows/client.ts';
import { withTemporal } from '../../workflows/dev-server.ts';
import { calendarText, createSchedules, deleteSchedules, describeSchedules, scheduleDefinitions } from '../../workflows/schedules.ts';
import { sayTemporal } from './run.ts';
import { defaultInbox, temporalOptions } from '../cities.ts';

const DURATION = /^\d+(s|m|h|d)$/;
const ACTIONS = ['create', 'list', 'delete'] as const;

export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'Temporal schedules (Asia/Shanghai): nightly pipeline 02:00, monthly scorecards on the 1st, annual appraisal on 15 January',
  usage: 'create [--inbox DIR] [--remind-every 24h] [--scale-out] | list | delete',
  help: [
    ['create', 'create the three schedules, or update them if they exist (never duplicates)'],
    ['list', 'show them: when, overlap and catch-up policies, next run'],
    ['delete', "delete them (only safecampus's own schedules)"],
    ['--inbox DIR', "folder the scheduled pipelines read (default data/inbox, or the city's with --city)"],
    ['--remind-every D', 'how often the scheduled appraisal reminds while it waits for sign-off (default 24h)'],
    ['--scale-out', 'the scheduled pipelines parse files on `safecampus worker --queues parse` processes (see `run --scale-out`)'],
    ['', 'TEMPORAL_ADDRESS set: that Temporal service; unset: the embedded dev server, whose schedules fire only while it runs'],
  ],
  options: { inbox: { type: 'string' }, 'remind-every': { type: 'string' }, 'scale-out': { type: 'boolean' } },
  allowPositionals: true,
  async run(values, positionals, context) {
    const action = positionals[0] as (typeof ACTIONS)[number];
    if (positionals.length !== 1 || !ACTIONS.includes(action)) throw new UsageError('say what to do: `safecampus schedule create`, `list` or `delete`');
    const reminderEvery = stringOption(values, 'remind-every');
    if (action !== 'create' && (values.inbox !== undefined || reminderEvery !== undefined || values['scale-out'] !== undefined)) {
      throw new UsageError('--inbox, --remind-every and --scale-out go with `create`');
    }
    if (reminderEvery !== undefined && !DURATION.test(reminderEvery)) throw new UsageError(`--remind-every takes a duration like 30s, 90m, 24h or 2d, got "${reminderEvery}"`);
    const inbox = stringOption(values, 'inbox');
    const inboxDir = inbox === undefined ? defaultInbox(context) : resolve(inbox);
    const dataDir = dirname(context.dbPath);
    return withTemporal(temporalOptions(context), async (temporal) => {
      sayTemporal(context, temporal, dataDir);
      const client = await connectClient(temporal.address, temporal.namespace);
      try {
        if (action === 'create') {
          const results = await createSchedules(client, { inboxDir, reminderEvery, scaleOut: values['scale-out'] === true });
          const titles = new Map(scheduleDefinitions({ inboxDir }).map((d) => [d.scheduleId, d.title]));
          for (const r of results) context.say(`${r.result === 'created' ? '已创建 created' : '已更新 updated'}  ${r.scheduleId}  ${titles.get(r.scheduleId)}`);
          if (temporal.source !== 'env') {
            context.say('提示：内嵌服务器的计划任务只在它运行时触发；生产环境请设置 TEMPORAL_ADDRESS 并常驻运行 `safecampus worker`');
          }
          return results;
        }
        if (action === 'delete') {
          const deleted = await deleteSchedules(client);
          context.say(deleted.length ? `已删除 deleted: ${deleted.join(', ')}` : '没有 safecampus 的计划任务（no safecampus schedules）');
          return { deleted };
        }
        return await listSchedules(client, context, inboxDir);
      } finally {
        await client.connection.close().catch(() => undefined);
      }
    });
  },
};

async function listSchedules(client: Awaited<ReturnType<typeof connectClient>>, context: CommandContext, inboxDir: string) {
  const titles = new Map(scheduleDefinitions({ inboxDir }).map((d) => [d.scheduleId, d.title]));
  const rows = (await describeSchedules(client)).map((d) => ({
    schedule_id: d.scheduleId,
    title: titles.get(d.scheduleId) ?? '',
    when: (d.spec.calendars ?? []).map(calendarText).join('; '),
    timezone: d.spec.timezone ?? 'UTC',
    workflow_type: d.action.workflowType,
    overlap: d.policies.overlap,
    catchup_window_hours: d.policies.catchupWindow / 3_600_000,
    paused: d.state.paused,
    next_run: d.info.nextActionTimes[0]?.toISOString() ?? null,
    actions_taken: d.info.numActionsTaken,
  }));
  if (!rows.length) {
    context.say('没有 safecampus 的计划任务；用 `safecampus schedule create` 创建（no schedules yet）');
    return rows;
  }
  const table = [
    ['计划 schedule', '名称 name', '时间 when', '时区 zone', '重叠 overlap', '补跑 catch-up', '下次（北京时间）next run'],
    ...rows.map((r) => [
      r.schedule_id,
      r.title,
      r.when,
      r.timezone,
      String(r.overlap),
      `${r.catchup_window_hours} h`,
      r.paused ? '已暂停 paused' : r.next_run ? dateTime(r.next_run) : '—',
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => displayWidth(row[i]!))));
  for (const row of table) context.say(row.map((cell, i) => cell + ' '.repeat(widths[i]! - displayWidth(cell))).join('  ').trimEnd());
  return rows;
}

/** Columns in a terminal: CJK characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return width;
}
