/**
 * Every SQL block of docs/queries.md runs through `safecampus query` on a snapshot of the
 * mini city, with exact answers. The mini city has no alerts and one overdue major hazard,
 * so a few hand-made facts are added to core before publishing (listed below) to give
 * questions 1 and 2 something to find.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishSnapshot } from '../../warehouse/snapshot.ts';
import { runCli, tempDir } from '../helpers.ts';
import { buildMiniCity } from './fixture.ts';

const PAGE = join(import.meta.dirname, '..', '..', 'docs', 'queries.md');
const dbPath = join(tempDir('safecampus-queries-'), 'warehouse.duckdb');

beforeAll(async () => {
  const db = await buildMiniCity(dbPath);
  try {
    // kindergarten 1141000003 already has J2509-003:XS01 (major, due 2025-05-20, never rectified):
    // one more major hazard rectified late makes two overdue in 2025; one rectified on time does not count
    await db.run(`insert into core.fct_hazards by name
      select * from (values
        ('T-1:XF05', '1141000003', '411003', '幼儿园', true, date '2025-08-01', date '2025-08-05'),
        ('T-2:XF05', '1141000003', '411003', '幼儿园', true, date '2025-10-01', date '2025-09-30')
      ) as t(hazard_id, school_code, unit_code, school_type, is_major, due_on, rectified_on)`);
    // red/orange response, spring (T1) → autumn (T2) 2025: 魏都区 median 3 → 7 minutes (slower);
    // 建安区 10 → 6 (faster); a duplicate and a yellow alert do not count
    await db.run(`insert into core.fct_alerts by name
      select alert_id, '2141000001' as school_code, unit_code, level, raised_at::timestamp as raised_at,
             minutes_to_acknowledge, is_duplicate
      from (values
        ('A1', '411002', '红', '2025-03-01 08:00:00', 2.0, false),
        ('A2', '411002', '橙', '2025-04-01 08:00:00', 4.0, false),
        ('A3', '411002', '红', '2025-09-10 08:00:00', 5.0, false),
        ('A4', '411002', '橙', '2025-10-10 08:00:00', 9.0, false),
        ('A5', '411002', '红', '2025-10-11 08:00:00', 100.0, true),
        ('A6', '411002', '黄', '2025-10-12 08:00:00', 60.0, false),
        ('A7', '411003', '红', '2025-03-02 08:00:00', 10.0, false),
        ('A8', '411003', '红', '2025-09-02 08:00:00', 6.0, false)
      ) as t(alert_id, unit_code, level, raised_at, minutes_to_acknowledge, is_duplicate)`);
    await publishSnapshot(db);
  } finally {
    db.close();
  }
});

const blocks = [...readFileSync(PAGE, 'utf8').matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]);

async function answer(sql: string): Promise<unknown> {
  const { code, stdout, stderr } = await runCli(['query', sql, '--format', 'json', '--db', dbPath]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

describe('docs/queries.md', () => {
  it('has the five worked questions', () => {
    expect(blocks).toHaveLength(5);
  });

  it('1. kindergartens with overdue major hazards twice in a year', async () => {
    expect(await answer(blocks[0])).toEqual([
      { school_code: '1141000003', school_name: '建安区阳光幼儿园', unit_name: '建安区', due_year: 2025, n_overdue_major: 2, hazard_ids: 'J2509-003:XS01, T-1:XF05' },
    ]);
  });

  it('2. units whose red/orange alert response got worse this term', async () => {
    expect(await answer(blocks[1])).toEqual([
      { unit_code: '411002', unit_name: '魏都区', previous_median_minutes: 3, median_minutes: 7, slower_by_minutes: 4, n_alerts: 2 },
    ]);
  });

  it('3. schools below 80% on-time rectification this year', async () => {
    expect(await answer(blocks[2])).toEqual([
      { school_code: '1141000003', school_name: '建安区阳光幼儿园', unit_name: '建安区', n_on_time: 0, n_due: 1, on_time_pct: 0 },
      { school_code: '2141000005', school_name: '鄢陵县城关小学', unit_name: '鄢陵县', n_on_time: 1, n_due: 2, on_time_pct: 50 },
      { school_code: '2141000007', school_name: '襄城县实验小学', unit_name: '襄城县', n_on_time: 1, n_due: 2, on_time_pct: 50 },
      { school_code: '2141000001', school_name: '魏都区第一小学', unit_name: '魏都区', n_on_time: 3, n_due: 4, on_time_pct: 75 },
    ]);
  });

  it('4. hazards still open past their due date on 2025-12-31', async () => {
    // J2509-003:XS01 is 225 days past 2025-05-20; J2508-002:XF04 is open but not due until 2026-01-10
    expect(await answer(blocks[3])).toEqual([
      {
        hazard_id: 'J2509-003:XS01', unit_name: '建安区', school_code: '1141000003', school_name: '建安区阳光幼儿园',
        hazard_level: '重大', hazard_text: '墙体裂缝', due_on: '2025-05-20', days_overdue: 225,
      },
    ]);
  });

  it('5. the unit ranking with the change from the previous period', async () => {
    // 2024: only 魏都区 had a hazard due (J2505-002:XF02, on time), so only it has a 2024 rank
    expect(await answer(blocks[4])).toEqual([
      { unit_code: '411002', unit_name: '魏都区', on_time_pct: 83.3, rank: 1, previous_rank: 1, rank_change: 0 },
      { unit_code: '411024', unit_name: '鄢陵县', on_time_pct: 50, rank: 2, previous_rank: null, rank_change: null },
      { unit_code: '411025', unit_name: '襄城县', on_time_pct: 50, rank: 2, previous_rank: null, rank_change: null },
      { unit_code: '411003', unit_name: '建安区', on_time_pct: 0, rank: 4, previous_rank: null, rank_change: null },
      { unit_code: '411000', unit_name: '市直', on_time_pct: 100, rank: null, previous_rank: null, rank_change: null },
    ]);
  });
});
