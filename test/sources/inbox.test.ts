/**
 * Careless and hostile inboxes: a column named twice is refused, not guessed at; a symbolic
 * link is reported and never followed (it could lead anywhere on the machine), while the real
 * files beside it land.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.ts';
import { ingestFile, ingestPath, SYMBOLIC_LINK_SKIPPED, type IngestResult } from '../../sources/ingest.ts';
import { createPipelineSteps } from '../../workflows/steps.ts';
import { tempDir } from '../helpers.ts';
import { fixture, folderWith, NOW, openWarehouse, rejectsOf } from './helpers.ts';

const SENSORS = '设备编号,学校标识码,设备类型,事件时间,状态';

let db: Warehouse;
beforeAll(async () => {
  ({ db } = await openWarehouse());
  await ingestFile(db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
});
afterAll(() => db.close());

describe('a column named twice', () => {
  const refusal = async (name: string, content: string | Buffer) => {
    const [result] = await ingestPath(db, join(folderWith({ [name]: content }), name), { now: NOW });
    return { status: result.status, rejects: await rejectsOf(db, result.batchId), message: result.message, landed: result.rowsLanded };
  };

  it('学校标识码 twice with different codes: refused, saying which columns', async () => {
    const { status, rejects, message } = await refusal('twice.csv', `${SENSORS},学校标识码\nD-1,2141010001,烟感,2025-03-05 10:00:00,在线,2141010002\n`);
    expect([status, rejects]).toEqual(['failed', [[null, 'duplicate_column']]]);
    expect(message).toBe(
      '表头中“学校标识码/school_code”出现了 2 次：“学校标识码”（第 2 列 / column 2）、“学校标识码”（第 6 列 / column 6），无法判断用哪一列，请删除重复的列后重新导出' +
        '（the file names 学校标识码/school_code 2 times: which one holds the value cannot be told; remove the repeated column and export again）',
    );
  });

  it('a column beside its alias (学校标识码 and 学校代码), in a workbook', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('设备');
    sheet.addRow(['设备编号', '学校标识码', '设备类型', '事件时间', '状态', '学校代码']);
    sheet.addRow(['D-2', '2141010001', '烟感', '2025-03-05 10:00:00', '在线', '2141010002']);
    const { status, rejects, message } = await refusal('alias.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    expect([status, rejects]).toEqual(['failed', [[null, 'duplicate_column']]]);
    expect(message).toContain('“学校标识码”（第 2 列 / column 2）、“学校代码”（第 6 列 / column 6）');
  });

  it('also when the operator names the source', async () => {
    const folder = folderWith({ 'forced.csv': `${SENSORS},设备编号\nD-3,2141010001,烟感,2025-03-05 10:00:00,在线,D-4\n` });
    const result = await ingestFile(db, join(folder, 'forced.csv'), { now: NOW, source: 'sensors' });
    expect([result.status, await rejectsOf(db, result.batchId)]).toEqual(['failed', [[null, 'duplicate_column']]]);
  });
});

describe('symbolic links in an inbox folder', () => {
  let inbox: string;
  let results: IngestResult[];
  const outside = tempDir('safecampus-outside-');

  beforeAll(async () => {
    // what a link could reach: an export outside the inbox, and a folder of them
    writeFileSync(join(outside, 'sensors.csv'), `${SENSORS}\nOUT-1,2141010001,烟感,2025-03-05 10:00:00,在线\n`);
    mkdirSync(join(outside, 'more'));
    writeFileSync(join(outside, 'more', 'sensors.csv'), `${SENSORS}\nOUT-2,2141010001,烟感,2025-03-05 10:00:00,在线\n`);
    inbox = folderWith({ 'real.csv': `${SENSORS}\nIN-1,2141010001,烟感,2025-03-05 10:00:00,在线\n` });
    symlinkSync(join(outside, 'sensors.csv'), join(inbox, 'linked.csv'));
    symlinkSync(join(outside, 'more'), join(inbox, 'linked-folder'));
    symlinkSync('/etc/passwd', join(inbox, 'passwd.csv'));
    results = await ingestPath(db, inbox, { now: NOW });
  });

  it('are reported as skipped, each with the reason, and never read', () => {
    expect(results.map((r) => [r.file.slice(inbox.length + 1), r.status, r.message ?? null])).toEqual([
      ['linked-folder', 'skipped', SYMBOLIC_LINK_SKIPPED],
      ['linked.csv', 'skipped', SYMBOLIC_LINK_SKIPPED],
      ['passwd.csv', 'skipped', SYMBOLIC_LINK_SKIPPED],
      ['real.csv', 'landed', null],
    ]);
    expect(SYMBOLIC_LINK_SKIPPED).toMatch(/^skipped: symbolic link（符号链接，未读取/);
  });

  it('the pipeline’s discovery lists them as skipped, unread, beside the files to land', async () => {
    const steps = createPipelineSteps({ dbPath: join(tempDir(), 'warehouse.duckdb') });
    const found = await steps.discoverFiles(inbox);
    expect(found.map((f) => [f.path.slice(inbox.length + 1), f.skipped ?? null])).toEqual([
      ['linked-folder', SYMBOLIC_LINK_SKIPPED],
      ['linked.csv', SYMBOLIC_LINK_SKIPPED],
      ['passwd.csv', SYMBOLIC_LINK_SKIPPED],
      ['real.csv', null],
    ]);
  });

  it('nothing they lead to landed or was even recorded', async () => {
    expect(await db.all("select device_id from raw.sensors where device_id in ('IN-1', 'OUT-1', 'OUT-2') order by 1")).toEqual([{ device_id: 'IN-1' }]);
    expect(await db.value("select count(*) from audit.batches where file like '%linked%' or file like '%passwd%'")).toBe(0);
  });
});
