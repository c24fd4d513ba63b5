/**
 * The province roll-up: each city's latest published snapshot, attached read-only, gives its unit
 * scorecard for the year; the province warehouse (one DuckDB file, rebuilt whole each time) holds
 * them with the city ranking and the province-wide county ranking (city_ranking.sql,
 * unit_ranking.sql), scored by the province definition file (transforms/definitions/province.ts).
 *
 *   province.rollup        one row: the province, the year, the definition (its title and rules in words), the deadline, when built
 *   province.cities        every city of the cities file, published or not, and why not
 *   province.grade_bands   the province file's bands, best first
 *   province.unit_scores   the unit scorecards of the year, as each published city's snapshot has them
 *   province.city_ranking  see city_ranking.sql
 *   province.unit_ranking  see unit_ranking.sql
 *
 * A city that has no snapshot for the year, or one scored with another edition of the city-level
 * file, is listed in province.cities with that status and left out of both rankings: never
 * silently missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Warehouse } from '../../warehouse/connection.ts';
import { readLatestSnapshot } from '../../warehouse/snapshot.ts';
import type { ProvinceDefinition } from '../definitions/province.ts';

/** A city as the province sees it: where its warehouse (and so its snapshots) and its site are. */
export interface ProvinceCity {
  code: string;
  name: string;
  warehousePath: string;
  siteDir: string;
}

/**
 * published: the latest snapshot has the year's unit scorecard, scored with the expected edition;
 * missing: no snapshot, or none with the year; edition_mismatch: scored with another edition.
 */
export type PublicationStatus = 'published' | 'missing' | 'edition_mismatch';

export interface CityPublication {
  code: string;
  name: string;
  status: PublicationStatus;
  snapshotId: string | null;
  snapshotPath: string | null;
  /** When the snapshot was published (ISO), null when there is none. */
  publishedAt: string | null;
  /** The edition the snapshot's unit scorecard for the year was scored with. */
  definitionEdition: number | null;
  /** The city's built site, null when it has none. */
  siteDir: string | null;
}

export interface ProvinceIdentity {
  code: string;
  name: string;
}

/** What the roll-up built: the file and each city's status and rank (null when not ranked). */
export interface ProvinceRollup {
  path: string;
  year: number;
  cities: { code: string; name: string; status: PublicationStatus; isLate: boolean; rank: number | null; score: number | null; grade: string | null }[];
  rankedUnits: number;
}

const sqlText = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** Where `city` stands for `year`: its latest published snapshot, read without disturbing the city's writer. */
export async function findPublication(city: ProvinceCity, year: number, cityEdition: number): Promise<CityPublication> {
  const siteDir = existsSync(join(city.siteDir, 'index.html')) ? city.siteDir : null;
  const none: CityPublication = { code: city.code, name: city.name, status: 'missing', snapshotId: null, snapshotPath: null, publishedAt: null, definitionEdition: null, siteDir };
  const pointer = readLatestSnapshot(city.warehousePath);
  if (!pointer || !existsSync(pointer.path)) return none;
  const snapshot = await Warehouse.open(pointer.path, { readOnly: true });
  try {
    if (!(await snapshot.tableExists('marts', 'unit_scorecard'))) return none;
    const editions = await snapshot.all<{ definition_edition: number | null }>(
      'select distinct definition_edition from marts.unit_scorecard where period = $1 order by 1',
      [String(year)],
    );
    if (editions.length === 0) return none;
    const edition = editions.length === 1 ? editions[0].definition_edition : null;
    return {
      ...none,
      status: edition === cityEdition ? 'published' : 'edition_mismatch',
      snapshotId: pointer.snapshot_id,
      snapshotPath: pointer.path,
      publishedAt: pointer.created_at,
      definitionEdition: edition,
    };
  } finally {
    snapshot.close();
  }
}

const MODELS = ['city_ranking', 'unit_ranking'] as const;

function modelSql(name: (typeof MODELS)[number]): string {
  return readFileSync(new URL(`./${name}.sql`, import.meta.url), 'utf8');
}

/**
 * Builds the province warehouse at `outPath` from the cities' publications (a `.partial` file
 * renamed into place, so readers see the old file or the new one). `deadline` is the end of the
 * last day to publish (ISO): a snapshot published after it is marked late.
 */
export async function buildProvinceWarehouse(options: {
  outPath: string;
  province: ProvinceIdentity;
  year: number;
  definition: ProvinceDefinition;
  deadline: string;
  publications: CityPublication[];
  /** Where each city's site will be linked from the province site (relative), by city code. */
  siteHref?: (city: CityPublication) => string | null;
}): Promise<ProvinceRollup> {
  const { outPath, province, year, definition, deadline, publications } = options;
  const partial = `${outPath}.partial`;
  await rm(partial, { force: true });
  const db = await Warehouse.open(partial);
  let closed = false;
  try {
    await db.run('create schema province');
    await db.run(
      `create table province.rollup as select
         $code::varchar as province_code, $name::varchar as province_name, $year::integer as year,
         $edition::integer as definition_edition, $version::varchar as definition_version, $sha::varchar as definition_sha256,
         $title::varchar as title, $cityScoreText::varchar as city_score_text, $countyRankingText::varchar as county_ranking_text,
         $cityEdition::integer as city_edition, $barred::varchar as city_grade_barred, $vetoText::varchar as veto_text,
         $deadline::timestamptz::timestamp as deadline_at, now()::timestamp as built_at`,
      {
        code: province.code,
        name: province.name,
        year,
        edition: definition.edition,
        version: definition.version,
        sha: definition.source.sha256,
        cityEdition: definition.city_edition,
        barred: definition.veto.city_grade_barred,
        title: definition.title.zh,
        cityScoreText: definition.city_score.formula_text,
        countyRankingText: definition.county_ranking.formula_text,
        vetoText: definition.veto.text,
        deadline,
      },
    );
    await db.run('create table province.grade_bands (sort_order integer, grade varchar, min_score decimal(5, 2), min_hundredths hugeint)');
    for (const [i, band] of definition.grade_bands.entries()) {
      await db.run('insert into province.grade_bands values ($1, $2, $3, $4)', [i + 1, band.grade, band.min_score, Math.round(band.min_score * 100)]);
    }
    await db.run(
      `create table province.cities (city_code varchar primary key, city_name varchar not null, status varchar not null, snapshot_id varchar,
         published_at timestamp, is_late boolean, definition_edition integer, site_href varchar)`,
    );
    for (const city of publications) {
      await db.run(
        `insert into province.cities values ($1, $2, $3, $4, $5::timestamptz::timestamp, $5::timestamptz > $6::timestamptz, $7, $8)`,
        [city.code, city.name, city.status, city.snapshotId, city.publishedAt, deadline, city.definitionEdition, options.siteHref?.(city) ?? null],
      );
    }
    await db.run(
      `create table province.unit_scores (period varchar, city_code varchar, unit_code varchar, unit_name varchar, score decimal(5, 2), grade varchar,
         is_vetoed boolean, n_vetoed_schools integer, n_schools integer, enrollment bigint, is_ranked boolean, city_rank integer, definition_edition integer)`,
    );
    for (const city of publications.filter((c) => c.status === 'published')) {
      const alias = `city_${city.code}`;
      await db.run(`attach ${sqlText(city.snapshotPath!)} as ${alias} (read_only)`);
      try {
        await db.run(
          `insert into province.unit_scores
           select period, $1, unit_code, unit_name, score, grade, is_vetoed, coalesce(n_vetoed_schools, 0), n_schools, enrollment, coalesce(is_ranked, false), rank, definition_edition
           from ${alias}.marts.unit_scorecard where period = $2`,
          [city.code, String(year)],
        );
      } finally {
        await db.run(`detach ${alias}`);
      }
    }
    for (const model of MODELS) await db.run(`create table province.${model} as ${modelSql(model)}`);
    const cities = await db.all<ProvinceRollup['cities'][number]>(
      `select cities.city_code as code, cities.city_name as name, cities.status, coalesce(cities.is_late, false) as "isLate",
              ranking.rank, ranking.score::double as score, ranking.grade
       from province.cities left join province.city_ranking as ranking using (city_code)
       order by ranking.rank nulls last, cities.city_code`,
    );
    const rankedUnits = await db.value<number>('select count(*)::integer from province.unit_ranking');
    await db.run('checkpoint');
    db.close();
    closed = true;
    await rename(partial, outPath);
    return { path: outPath, year, cities, rankedUnits };
  } catch (error) {
    if (!closed) db.close();
    await rm(partial, { force: true });
    throw error;
  }
}
