/**
 * The hand-made city of the source monitor (报送监测): two units, five schools, every export, and
 * data that runs to Saturday 2025-12-20. The registry, inspections, activities and cases are in
 * test/fixtures/health-city; the daily feeds are written here, one line a record:
 *
 *   sensors  魏都区 (school 2141002001): 30 events a day 2025-02-17 … 2025-12-20, except only 10 on
 *            Friday 2025-12-19 (a drop of two thirds against eight Fridays of 30: 异常)
 *            鄢陵县 (school 1141024001): 25 events a day 2025-02-17 … 2025-12-14, then nothing (迟报)
 *   alerts   魏都区 (school 2141002001): 3 alerts a day 2025-02-17 … 2025-12-20 (too few for a volume check)
 *            鄢陵县: none ever (缺报 since the data began, 2025-02-17)
 *
 *   school      unit    registry                              自查 (monthly)           activities (per term)
 *   2141002001  魏都区  2025-02-17, 2025-09-01                Mar–Jul, Sep–Dec 10th    2025-03-20, 2025-11-05
 *   2141002002  魏都区  2025-02-17 only (autumn missing)      2025-09-05, 2025-10-05   2025-04-01
 *   1141024001  鄢陵县  2025-02-17, 2025-09-01                2025-09-15               none
 *   2141024002  鄢陵县  2025-02-17, 2025-09-01 closed 10-20   2025-09-12               2025-04-01
 *   2141024003  鄢陵县  2025-09-20, opened 2025-09-15         none (a 督查 on 11-20)   none
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ingestPath } from '../../sources/ingest.ts';
import { runTransform } from '../../transforms/runner.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { FIXTURES, tempDir } from '../helpers.ts';

export const W1 = '2141002001';
export const W2 = '2141002002';
export const Y1 = '1141024001';
export const Y2 = '2141024002';
export const Y3 = '2141024003';

const day = (offset: number) => new Date(Date.UTC(2025, 1, 17 + offset)).toISOString().slice(0, 10);
/** 2025-02-17 … `last`, as YYYY-MM-DD. */
function days(last: string): string[] {
  const out: string[] = [];
  for (let i = 0; day(i) <= last; i++) out.push(day(i));
  return out;
}
const minute = (i: number) => `${String(8 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`;

function sensorsCsv(quiet: boolean): string {
  const lines = ['设备编号,学校标识码,设备类型,事件时间,状态'];
  for (const d of days('2025-12-20')) {
    for (let i = 0; i < (d === '2025-12-19' && !quiet ? 10 : 30); i++) lines.push(`W-${i},${W1},烟感,${d} ${minute(i)},在线`);
  }
  if (!quiet) for (const d of days('2025-12-14')) for (let i = 0; i < 25; i++) lines.push(`Y-${i},${Y1},烟感,${d} ${minute(i)},在线`);
  return `${lines.join('\n')}\n`;
}

function alertsCsv(): string {
  const lines = ['告警编号,学校标识码,来源,告警类型,级别,发生时间'];
  for (const d of days('2025-12-20')) for (let i = 0; i < 3; i++) lines.push(`AL-${d}-${i},${W1},视频AI,人员聚集,黄,${d} ${minute(i)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The city's export files in a fresh folder. `quiet`: 魏都区第一小学 alone, its sensors without the
 * drop — a city where nothing is late, missing or dropped on its last day.
 */
export function healthCityInbox({ quiet = false } = {}): string {
  const inbox = join(tempDir('safecampus-health-'), 'inbox');
  mkdirSync(inbox, { recursive: true });
  const fixtures = join(FIXTURES, 'health-city');
  for (const file of readdirSync(fixtures)) {
    if (!quiet) copyFileSync(join(fixtures, file), join(inbox, file));
    else writeFileSync(join(inbox, file), readFileSync(join(fixtures, file), 'utf8').split('\n').filter((line, i) => i === 0 || line.includes(`,${W1},`) || line.startsWith(`${W1},`)).join('\n'));
  }
  writeFileSync(join(inbox, 'sensors.csv'), sensorsCsv(quiet));
  writeFileSync(join(inbox, 'alerts.csv'), alertsCsv());
  return inbox;
}

/** A warehouse with the city landed (nothing rejected) and every model built (no failing test). */
export async function landHealthCity({ quiet = false } = {}): Promise<Warehouse> {
  const inbox = healthCityInbox({ quiet });
  const db = await Warehouse.open(join(inbox, '..', 'health.duckdb'));
  await initWarehouse(db);
  const results = await ingestPath(db, inbox, { now: new Date('2026-01-15T00:00:00Z') });
  expect(results.map((r) => [r.source, r.rowsRejected])).toEqual([
    ['schools', 0],
    ['activities', 0],
    ['alerts', 0],
    ['cases', 0],
    ['inspections', 0],
    ['sensors', 0],
  ]);
  const transform = await runTransform(db);
  expect(transform.failures).toEqual([]);
  return db;
}
