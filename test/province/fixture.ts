/**
 * Hand-made city snapshots for the province roll-up: a city folder whose latest snapshot holds
 * only what a roll-up reads (marts.unit_scorecard for 2025), published at a given time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Warehouse } from '../../warehouse/connection.ts';
import type { ProvinceCity } from '../../transforms/province/rollup.ts';

export type UnitRow = [code: string, name: string, score: number, enrollment: number, isRanked: boolean, nVetoed: number, rank: number | null];

/** A city folder under `root` whose latest snapshot holds just `rows` as marts.unit_scorecard for 2025 (scored with `edition`). */
export async function publishedCity(root: string, code: string, name: string, rows: UnitRow[], publishedAt: string, edition = 2025): Promise<ProvinceCity> {
  const dataDir = join(root, code);
  const path = join(dataDir, 'snapshots', `${code}.duckdb`);
  mkdirSync(join(dataDir, 'snapshots'), { recursive: true });
  const db = await Warehouse.open(path);
  await db.run('create schema marts');
  await db.run(
    `create table marts.unit_scorecard (period varchar, unit_code varchar, unit_name varchar, score double, grade varchar, is_vetoed boolean,
       n_vetoed_schools integer, rank integer, n_schools integer, enrollment hugeint, is_ranked boolean, definition_edition integer)`,
  );
  for (const [unit, unitName, score, enrollment, isRanked, nVetoed, rank] of rows) {
    await db.run("insert into marts.unit_scorecard values ('2025', $1, $2, $3, '—', $4, $5, $6, 3, $7, $8, $9)", [unit, unitName, score, nVetoed > 0, nVetoed, rank, enrollment, isRanked, edition]);
  }
  db.close();
  writeFileSync(join(dataDir, 'snapshots', 'latest.json'), JSON.stringify({ snapshot_id: `s-${code}`, path, created_at: publishedAt }));
  return { code, name, warehousePath: join(dataDir, 'warehouse.duckdb'), siteDir: join(dataDir, 'site') };
}


/** A hand-written stand-in for a city's built site in `city.siteDir`: index.html and one units/<code>.html per unit, each headed with its name. */
export function writeCitySite(city: ProvinceCity, units: [code: string, name: string][]): void {
  const page = (title: string) => `<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`;
  mkdirSync(join(city.siteDir, 'units'), { recursive: true });
  writeFileSync(join(city.siteDir, 'index.html'), page(`${city.name}校园安全评估`));
  for (const [code, name] of units) writeFileSync(join(city.siteDir, 'units', `${code}.html`), page(`${name}校园安全评分卡`));
}
