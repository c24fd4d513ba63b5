import { join } from 'node:path';
import { UsageError, stringOption, type Command, type CommandContext } from '../command.ts';
import { loadProvince, cityWarehouse, type Province } from '../cities.ts';
import { dateTime } from '../../shared/format.js';
import { withTemporal } from '../../workflows/dev-server.ts';
import { endOfShanghaiDay, isIsoDate, yearJustEnded } from '../../workflows/calendar.ts';
import { runProvince } from '../../workflows/province-runner.ts';
import type { ProvinceInput, ProvinceState } from '../../workflows/province-workflow.ts';
import { DefinitionError } from '../../transforms/definitions/load.ts';
import { loadProvinceDefinition } from '../../transforms/definitions/province.ts';
import type { PublicationStatus } from '../../transforms/province/rollup.ts';
import { sayTemporal } from './run.ts';

const POLL = /^(\d+)(s|m|h)$/;
const POLL_UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

const STATUS_TEXT: Record<PublicationStatus, string> = {
  published: '已发布',
  missing: '未发布（无年度快照）',
  edition_mismatch: '指标体系版本不符',
};

export const provinceCommand: Command = {
  name: 'province',
  summary: 'the province roll-up (全省汇总): wait for each city’s snapshot until the deadline, then rank the cities and every county of the province',
  usage: '[--year YYYY] [--deadline YYYY-MM-DD|now] [--poll 10m] [--definition FILE] [--no-site]',
  help: [
    ['--year YYYY', 'the appraisal year (default: the year just ended)'],
    ['--deadline D', 'the last day (Asia/Shanghai) a city may publish; `now` rolls up what is published without waiting (default: publish_deadline of the province file)'],
    ['--poll D', 'while a city has not published, look again every D (30s, 10m, 1h); default 10m'],
    ['--definition FILE', 'the province definition file (default data/province-indicators/<year>.json)'],
    ['--no-site', 'build the province warehouse only, not the province site (which links each city’s own site)'],
    ['', 'reads the province and its cities from the cities file (--cities FILE, see README "Several cities"); the roll-up goes to the province data folder'],
    ['', 'TEMPORAL_ADDRESS set: use that Temporal service; unset: the embedded dev server under the province data folder'],
  ],
  options: { year: { type: 'string' }, deadline: { type: 'string' }, poll: { type: 'string' }, definition: { type: 'string' }, 'no-site': { type: 'boolean' } },
  readsCitiesFile: true,
  async run(values, _positionals, context) {
    if (context.city) throw new UsageError('the province roll-up covers every city of the cities file: drop --city');
    const yearText = stringOption(values, 'year') ?? String(yearJustEnded(Date.now()));
    if (!/^\d{4}$/.test(yearText)) throw new UsageError(`--year takes a year like 2025, got "${yearText}"`);
    const year = Number(yearText);
    const poll = stringOption(values, 'poll') ?? '10m';
    const pollMatch = POLL.exec(poll);
    if (!pollMatch || Number(pollMatch[1]) === 0) throw new UsageError(`--poll takes a duration like 30s, 10m or 1h, got "${poll}"`);
    let definition;
    try {
      definition = loadProvinceDefinition(stringOption(values, 'definition') ?? year);
    } catch (error) {
      if (error instanceof DefinitionError) throw new UsageError(error.message);
      throw error;
    }
    const definitionPath = definition.source.path;
    if (definition.edition !== year) throw new UsageError(`${definitionPath} is the province file of ${definition.edition}, not ${year}: pass --definition with the ${year} file`);
    const province = loadProvince(context.citiesFile);
    const deadline = deadlineOf(stringOption(values, 'deadline') ?? definition.publish_deadline);

    const input: ProvinceInput = {
      year,
      deadline,
      pollEveryMs: Number(pollMatch[1]) * POLL_UNIT_MS[pollMatch[2] as keyof typeof POLL_UNIT_MS],
      cities: province.cities.map((city) => ({ code: city.code, name: city.name, warehousePath: cityWarehouse(city), siteDir: join(city.dataDir, 'site') })),
      build: {
        province: { code: province.code, name: province.name },
        definitionPath,
        outPath: join(province.dataDir, 'province.duckdb'),
        siteDir: values['no-site'] ? null : join(province.dataDir, 'site'),
      },
    };
    return withTemporal({ dataDir: province.dataDir, namespace: province.namespace }, async (temporal) => {
      sayTemporal(context, temporal, province.dataDir);
      const state = await runProvince({
        address: temporal.address,
        namespace: temporal.namespace,
        input,
        signal: temporal.signal,
        onStart: (workflowId, started) =>
          context.say(`${started ? '已启动' : '继续进行中的'}全省汇总 ${workflowId}（${started ? 'started' : 'already running'}），发布截止 ${dateTime(deadline)}`),
      });
      sayRollup(state, province, context);
      return state;
    });
  },
};

/** The deadline as an ISO instant: the end of a Shanghai day, or now. */
function deadlineOf(text: string): string {
  if (text === 'now') return new Date().toISOString();
  if (!isIsoDate(text)) throw new UsageError(`--deadline takes a date YYYY-MM-DD (the last day to publish, Asia/Shanghai) or now, got "${text}"`);
  return new Date(endOfShanghaiDay(text)).toISOString();
}

function sayRollup(state: ProvinceState, province: Province, context: CommandContext): void {
  const built = state.built!;
  context.say(`${province.name} ${built.year} 年度全省汇总：${built.cities.filter((c) => c.rank !== null).length}/${built.cities.length} 个市参与排名，${built.rankedUnits} 个县区参与全省排名`);
  for (const city of built.cities) {
    const late = city.isLate ? '（逾期发布）' : '';
    context.say(city.rank !== null ? `  第 ${city.rank} 名 ${city.name} ${city.score?.toFixed(2)} 分 ${city.grade}${late}` : `  —  ${city.name} ${STATUS_TEXT[city.status]}，未参与排名`);
  }
  context.say(`province warehouse ${built.path}${built.sitePath ? `; site in ${built.sitePath} (each city’s own site under cities/<code>/)` : ''}`);
}
