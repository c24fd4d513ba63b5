/**
 * sensors: status events of each school's IoT devices. Every device reports 在线 at the
 * start of the year; offline and fault episodes (count and length from the unit's
 * profile) start with 离线/故障 and end with 恢复; alarms (报警) are followed by 恢复
 * minutes later and do not take a device down. Hydrant-pressure (MPa) and electrical-fire
 * (mA, residual current) monitors also send a monthly reading.
 *
 * Format: the IoT platform's UTF-8 CSV without BOM, English headers (canonical names),
 * status as English codes, one file per year, rows grouped by device in time order.
 */
import { dayOf, momentOf, SECONDS_PER_DAY, type Moment } from '../calendar.ts';
import { closeAll, isOpen, openExport, type ExportContext } from '../context.ts';
import type { ExportFile } from '../export-file.ts';
import type { ManifestFile } from '../manifest.ts';
import { asDateTime, asNumber, asCode } from '../format.ts';
import { contractColumns } from '../layout.ts';
import { profileOf, type UnitProfile } from '../profiles.ts';
import { streamFor, type Rng } from '../random.ts';
import { stateOn, type School } from '../registry.ts';

type DeviceType = '烟感' | '电气火灾监测' | '消防水压' | '一键报警' | '视频' | '周界';
type Status = '在线' | '离线' | '故障' | '报警' | '恢复';

const TYPE_CODES: Record<DeviceType, string> = { 烟感: 'YG', 电气火灾监测: 'DQ', 消防水压: 'SY', 一键报警: 'YJ', 视频: 'SP', 周界: 'ZJ' };
const STATUS_CODES: Record<Status, string> = { 在线: 'online', 离线: 'offline', 故障: 'fault', 报警: 'alarm', 恢复: 'restore' };
/** Expected alarms per device-year. */
const ALARMS: Record<DeviceType, number> = { 烟感: 0.4, 电气火灾监测: 0.6, 消防水压: 0.3, 一键报警: 0.3, 视频: 0, 周界: 3 };

interface Device {
  id: string;
  type: DeviceType;
}

interface Event {
  at: Moment;
  status: Status;
  value: number | null;
}

/** A school's devices, fixed for the whole period (sized by its first enrollment). */
export function devicesOf(seed: number, school: School): Device[] {
  const rng = streamFor(seed, 'devices', school.code);
  const enrollment = school.reports[0]!.enrollment;
  const counts: [DeviceType, number][] = [
    ['烟感', 1 + Math.min(5, Math.floor(enrollment / 700))],
    ['电气火灾监测', enrollment > 1500 ? 2 : 1],
    ['消防水压', school.type === '幼儿园' && rng.chance(0.5) ? 0 : 1],
    ['一键报警', 1],
    ['视频', 1 + Math.min(4, Math.floor(enrollment / 900))],
    ['周界', school.type !== '幼儿园' && rng.chance(0.6) ? 1 : 0],
  ];
  return counts.flatMap(([type, n]) =>
    Array.from({ length: n }, (_, i) => ({ id: `${school.code}-${TYPE_CODES[type]}${String(i + 1).padStart(2, '0')}`, type })),
  );
}

function reading(rng: Rng, type: DeviceType, alarm: boolean): number | null {
  if (type === '消防水压') return Number((alarm ? rng.float(0.02, 0.09) : rng.float(0.25, 0.45)).toFixed(2));
  if (type === '电气火灾监测') return alarm ? rng.int(310, 800) : rng.int(20, 150);
  return null;
}

/** One device's events in [start, end). */
function deviceEvents(rng: Rng, device: Device, start: Moment, end: Moment, profile: UnitProfile, year: number): Event[] {
  const span = end - start;
  const episodes: { from: Moment; to: Moment; status: Status }[] = [];
  const addEpisodes = (status: Status, perYear: number, medianHours: number) => {
    for (let i = rng.poisson((perYear * span) / (365 * SECONDS_PER_DAY)); i > 0; i--) {
      const from = start + rng.int(600, span - 600);
      const hours = Math.max(0.2, rng.lognormal(medianHours, 0.9));
      episodes.push({ from, to: Math.min(end - 60, from + Math.round(hours * 3600)), status });
    }
  };
  addEpisodes('离线', profile.offline.perYear, profile.offline.medianHours);
  addEpisodes('故障', profile.fault.perYear, profile.fault.medianHours);
  episodes.sort((a, b) => a.from - b.from);
  const down: typeof episodes = [];
  for (const e of episodes) if (e.to > e.from && (!down.length || e.from > down[down.length - 1].to + 60)) down.push(e);
  const isDown = (t: Moment) => down.some((e) => t >= e.from && t <= e.to + 60);

  const measured = device.type === '消防水压' || device.type === '电气火灾监测';
  const events: Event[] = [{ at: start + rng.int(0, 59), status: '在线', value: reading(rng, device.type, false) }];
  for (const e of down) events.push({ at: e.from, status: e.status, value: null }, { at: e.to, status: '恢复', value: measured ? reading(rng, device.type, false) : null });
  if (measured) {
    for (let month = 2; month <= 12; month++) {
      const at = momentOf(dayOf(year, month, 1), 8, 0, rng.int(0, 59));
      if (at > start && at < end && !isDown(at)) events.push({ at, status: '在线', value: reading(rng, device.type, false) });
    }
  }
  const winter = device.type === '烟感' ? 1.5 : 1;
  for (let i = rng.poisson((ALARMS[device.type] * winter * span) / (365 * SECONDS_PER_DAY)); i > 0; i--) {
    const night = device.type === '周界';
    const day = Math.floor((start + rng.int(0, span - 1)) / SECONDS_PER_DAY);
    const at = momentOf(day, night ? rng.pick([0, 1, 2, 3, 21, 22, 23]) : rng.int(7, 21), rng.int(0, 59), rng.int(0, 59));
    const clear = at + rng.int(120, 1800);
    if (at <= start || clear >= end || isDown(at) || isDown(clear)) continue;
    events.push({ at, status: '报警', value: reading(rng, device.type, true) }, { at: clear, status: '恢复', value: reading(rng, device.type, false) });
  }
  events.sort((a, b) => a.at - b.at);
  // Strictly increasing times: no two events of a device share a timestamp.
  for (let i = 1; i < events.length; i++) if (events[i].at <= events[i - 1].at) events[i].at = events[i - 1].at + 1;
  return events;
}

export async function writeSensors(ctx: ExportContext, truncateYear: number | null): Promise<ManifestFile[]> {
  const { city } = ctx;
  const entries: ManifestFile[] = [];
  for (const year of city.years) {
    const columns = contractColumns('sensors', 'name', {
      event_at: asDateTime('seconds'),
      value: asNumber,
      status: asCode(STATUS_CODES),
    });
    const file = openExport(ctx, { file: `sensors/sensors_${year}.csv`, source: 'sensors', format: 'csv-utf8', columns }, { truncate: year === truncateYear });
    const yearStart = momentOf(dayOf(year, 1, 1));
    const yearEnd = momentOf(dayOf(year + 1, 1, 1));
    for (const school of city.schools) {
      if (!isOpen(school, dayOf(year, 1, 1))) continue;
      const end = school.closedOn !== null ? Math.min(yearEnd, momentOf(school.closedOn)) : yearEnd;
      writeSchool(ctx, file, school, year, yearStart, end);
      await file.drain();
    }
    entries.push(...(await closeAll([file])));
  }
  return entries;
}

function writeSchool(ctx: ExportContext, file: ExportFile, school: School, year: number, start: Moment, end: Moment): void {
  const profile = profileOf(stateOn(school, dayOf(year, 1, 1))!.unitCode);
  for (const device of devicesOf(ctx.city.seed, school)) {
    const rng = streamFor(ctx.city.seed, 'sensor-events', device.id, year);
    for (const event of deviceEvents(rng, device, start, end, profile, year)) {
      file.add({
        device_id: device.id,
        school_code: school.code,
        device_type: device.type,
        event_at: event.at,
        status: event.status,
        value: event.value,
        value_unit: event.value === null ? null : device.type === '消防水压' ? 'MPa' : 'mA',
      });
    }
  }
}
