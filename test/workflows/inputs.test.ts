/**
 * What a publish is made from (workflows/inputs.ts): an approved appraisal is one of its inputs,
 * so the run after an approval publishes again and the 年度考核 page shows it (and ships its files)
 * instead of the last publish standing as "没有变化"; a pending or rejected one changes nothing.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initWarehouse } from '../../sources/init.ts';
import { recordAppraisalDecision, recordAppraisalRequest } from '../../warehouse/appraisals.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { inputFingerprint } from '../../workflows/inputs.ts';
import { tempDir } from '../helpers.ts';

let db: Warehouse;

beforeAll(async () => {
  db = await Warehouse.open(join(tempDir(), 'inputs.duckdb'));
  await initWarehouse(db);
});
afterAll(() => db?.close());

const request = (appraisal_id: string) =>
  recordAppraisalRequest(db, {
    appraisal_id,
    year: 2025,
    cutoff_on: '2026-01-09',
    snapshot_path: `/data/appraisals/2025/${appraisal_id}.duckdb`,
    snapshot_sha256: 'ab',
    definition_version: '2025.3',
    definition_sha256: 'cd',
    summary: null,
    requested_at: '2026-01-10 09:00:00',
  });

describe('input fingerprint', () => {
  it('changes with an approval, not with a request or a rejection', async () => {
    const before = await inputFingerprint(db);
    await request('2025-20260110-00000001');
    await recordAppraisalDecision(db, { appraisal_id: '2025-20260110-00000001', status: 'rejected', approver: '王科长', comment: '县区数据未报齐', decided_at: '2026-01-11 10:00:00', published_path: null });
    await request('2025-20260110-00000002');
    expect(await inputFingerprint(db)).toBe(before);
    await recordAppraisalDecision(db, {
      appraisal_id: '2025-20260110-00000002',
      status: 'approved',
      approver: '张局长',
      comment: null,
      decided_at: '2026-01-12 16:30:00',
      published_path: '/data/appraisals/2025/approved.duckdb',
    });
    expect(await inputFingerprint(db)).not.toBe(before);
  });
});
