// The province warehouse as the province site reads it (read-only): the roll-up's rules, the city
// ranking with every city that is not ranked and why, and the county ranking across the province,
// each county linked to its page in its city's site when the province site carries that site.
import { Warehouse } from '../../warehouse/connection.ts';

export type ProvinceCityRow = {
  city_code: string;
  city_name: string;
  status: 'published' | 'missing' | 'edition_mismatch';
  /** Beijing time, "2026-02-02 09:00"; null when nothing was published. */
  published_at: string | null;
  is_late: boolean;
  definition_edition: number | null;
  site_href: string | null;
  rank: number | null;
  score: number | null;
  grade: string | null;
  is_vetoed: boolean | null;
  n_vetoed_units: number | null;
  n_units: number | null;
  n_schools: number | null;
};

export type ProvinceUnitRow = {
  rank: number;
  city_code: string;
  city_name: string;
  unit_code: string;
  unit_name: string;
  score: number;
  grade: string;
  city_rank: number | null;
  is_vetoed: boolean;
  n_vetoed_schools: number;
  n_schools: number;
  /** The county's page in its city's site, relative to the province site; null when the city has none. */
  href: string | null;
};

export interface ProvinceData {
  rollup: {
    province_code: string;
    province_name: string;
    year: number;
    title: string;
    city_score_text: string;
    county_ranking_text: string;
    veto_text: string;
    city_grade_barred: string;
    city_edition: number;
    definition_edition: number;
    definition_version: string;
    definition_sha256: string;
    /** The last moment to publish, Beijing time ("2026-02-01 00:00": the end of 31 January). */
    deadline_at: string;
    built_at: string;
  };
  grade_bands: { grade: string; min_score: number }[];
  cities: ProvinceCityRow[];
  units: ProvinceUnitRow[];
}

/** The folder of a city's site inside the province site, from its site_href ("cities/4110/index.html" → "cities/4110/"). */
export const siteFolder = (siteHref: string) => siteHref.slice(0, siteHref.lastIndexOf('/') + 1);

export async function readProvince(path: string): Promise<ProvinceData> {
  const db = await Warehouse.open(path, { readOnly: true });
  try {
    const rollup = (await db.one<ProvinceData['rollup']>(
      `select province_code, province_name, year, title, city_score_text, county_ranking_text, veto_text, city_grade_barred,
              city_edition, definition_edition, definition_version, definition_sha256,
              strftime(deadline_at, '%Y-%m-%d %H:%M') as deadline_at, strftime(built_at, '%Y-%m-%d %H:%M') as built_at
       from province.rollup`,
    ))!;
    const grade_bands = await db.all<ProvinceData['grade_bands'][number]>('select grade, min_score::double as min_score from province.grade_bands order by sort_order');
    const cities = await db.all<ProvinceCityRow>(
      `select cities.city_code, cities.city_name, cities.status, strftime(cities.published_at, '%Y-%m-%d %H:%M') as published_at,
              coalesce(cities.is_late, false) as is_late, cities.definition_edition, cities.site_href,
              ranking.rank, ranking.score::double as score, ranking.grade, ranking.is_vetoed, ranking.n_vetoed_units, ranking.n_units, ranking.n_schools
       from province.cities left join province.city_ranking as ranking using (city_code)
       order by ranking.rank nulls last, cities.city_code`,
    );
    const sites = new Map(cities.filter((c) => c.site_href).map((c) => [c.city_code, siteFolder(c.site_href!)]));
    const units = (
      await db.all<Omit<ProvinceUnitRow, 'href'>>(
        `select rank, city_code, city_name, unit_code, unit_name, score::double as score, grade, city_rank, is_vetoed, n_vetoed_schools, n_schools
         from province.unit_ranking order by rank, city_code, unit_code`,
      )
    ).map((u) => ({ ...u, href: sites.has(u.city_code) ? `${sites.get(u.city_code)}units/${u.unit_code}.html` : null }));
    return { rollup, grade_bands, cities, units };
  } finally {
    db.close();
  }
}
