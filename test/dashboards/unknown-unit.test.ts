/**
 * `dashboards build --unit CODE` with a code that is no unit of the snapshot (411023 is a real
 * county code, but not one of the city's reporting units) is refused before Framework runs,
 * in one line that lists the units there are — not in Framework's loader errors.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishMiniCity } from '../analyst/fixture.ts';
import { runCli, tempDir } from '../helpers.ts';

describe('dashboards build --unit', () => {
  it('a code that is no unit of the snapshot: exit 1, one line listing the units, nothing built', async () => {
    const dir = tempDir();
    const db = join(dir, 'warehouse.duckdb');
    await publishMiniCity(db);
    const { code, stdout, stderr } = await runCli(['dashboards', 'build', '--unit', '411023', '--db', db]);
    expect([code, stdout]).toEqual([1, '']);
    const units = '411000 市直、411002 魏都区、411003 建安区、411024 鄢陵县、411025 襄城县、411071 许昌经济技术开发区、411072 城乡一体化示范区、411073 东城区、411081 禹州市、411082 长葛市';
    expect(stderr).toBe(`safecampus dashboards: 411023 不是快照中的县区，县区有：${units} / 411023 is not a unit of the snapshot; its units are: ${units}\n`);
    expect(existsSync(join(dir, 'site-411023'))).toBe(false);
  });
});
