// Observable Framework 1.13 configuration for the safecampus dashboard site.
//
// Offline by construction (DESIGN.md, "Facts about this environment"); the settings are in
// lib/site-config.js, which the province site's configuration shares:
// - `globalStylesheets: []` drops the default Google Fonts stylesheet (Source Serif 4);
//   src/style.css sets a system CJK font stack instead.
// - `style` replaces the theme with our stylesheet, which imports Framework's own CSS
//   (bundled from node_modules at build time).
// - no `search` (its index is fine offline, but it is an English UI), no default footer
//   (it links to observablehq.com).
// - pages import libraries from node_modules explicitly (see src/components/*.js);
//   build.ts seeds Framework's npm version cache and blocks fetch() during the build,
//   so nothing is ever downloaded from a CDN or registry.
// Framework 1.13 has no `lang` option: build.ts sets <html lang="zh-CN"> after the build,
// and the head script of lib/site-config.js does it for `observable preview`.

import {existsSync} from 'node:fs';
import {SCHOOL_BUCKETS, schoolBucketPath} from './src/components/schoolBuckets.js';
import {readDuckDbFile, siteConfig} from './lib/site-config.js';

/**
 * The ten pages of the site (issue 6) and the data dictionary (issue 7), in sidebar order. A page is listed once its source
 * file exists, so adding `src/hazards.md` is all it takes to put 隐患治理 in the sidebar.
 * 县区评分卡 is the parameterised route src/units/[unit].md (with its index listing units).
 */
export const SITE_PAGES = [
  {name: '总览', path: '/', file: 'index.md'},
  {name: '县区评分卡', path: '/units/', file: 'units/index.md'},
  {name: '学校', path: '/schools', file: 'schools.md'},
  {name: '不合格与一票否决学校', path: '/failing', file: 'failing.md'},
  {name: '隐患治理', path: '/hazards', file: 'hazards.md'},
  {name: '预警与设备', path: '/alerts', file: 'alerts.md'},
  {name: '专项工作', path: '/programmes', file: 'programmes.md'},
  {name: '事故案件', path: '/incidents', file: 'incidents.md'},
  {name: '年度考核', path: '/appraisal', file: 'appraisal.md'},
  {name: '数据质量', path: '/quality', file: 'quality.md'},
  {name: '指标说明', path: '/methodology', file: 'methodology.md'},
  {name: '数据字典', path: '/dictionary', file: 'dictionary.md'}
];

/**
 * The parameterised pages: one 县区评分卡 (/units/CODE) per unit of the snapshot's
 * ref.units — only the scoped unit's in a unit-scoped build (unit codes are reference
 * data, not school data). And the 学校 page's buckets of school details, which the page
 * fetches on demand rather than through FileAttachment, so they are listed here to be built.
 */
async function* dynamicPaths() {
  const snapshot = process.env.SAFECAMPUS_SNAPSHOT;
  if (!snapshot) return;
  const units = process.env.SAFECAMPUS_UNIT
    ? [process.env.SAFECAMPUS_UNIT]
    : await readDuckDbFile(snapshot, async (rows) => (await rows('select unit_code from ref.units order by unit_code')).map(([code]) => String(code)));
  for (const unit of units) {
    if (existsSync(new URL('src/units/[unit].md', import.meta.url))) yield `/units/${unit}`;
  }
  // every page is compiled by now; what follows reads data files
  await dataReady();
  if (existsSync(new URL('src/schools.md', import.meta.url))) for (const bucket of SCHOOL_BUCKETS) yield `/${schoolBucketPath(bucket)}`;
}

/**
 * The site build (build.ts) starts Framework while it still computes the data (lib/prebuild.ts) and
 * says so with SAFECAMPUS_DATA_PENDING: Framework compiles the pages meanwhile and waits here, before
 * the first path that reads a data file, for the line the build writes to its stdin once every output
 * is in the cache (Framework would otherwise run a loader process for an output not yet there).
 */
let ready;
function dataReady() {
  if (!process.env.SAFECAMPUS_DATA_PENDING) return Promise.resolve();
  ready ??= new Promise((resolve, reject) => {
    process.stdin.once('data', () => {
      process.stdin.destroy();
      resolve();
    });
    process.stdin.once('end', () => reject(new Error('the site build ended before its data was ready')));
  });
  return ready;
}

/** The city the snapshot's units belong to (units.csv's city_name), '' when it names none or several. */
async function cityName() {
  const snapshot = process.env.SAFECAMPUS_SNAPSHOT;
  if (!snapshot || !existsSync(snapshot)) return '';
  return readDuckDbFile(snapshot, async (rows) => {
    const columns = await rows("select count(*) from information_schema.columns where table_schema = 'ref' and table_name = 'units' and column_name = 'city_name'");
    if (Number(columns[0][0]) === 0) return ''; // a snapshot published before ref.units kept it
    const names = await rows('select distinct city_name from ref.units where city_name is not null');
    return names.length === 1 ? String(names[0][0]) : '';
  });
}

const city = await cityName();

export default siteConfig({
  title: `${city}校园安全评估`,
  pages: SITE_PAGES.filter((page) => existsSync(new URL(`src/${page.file}`, import.meta.url))).map(({name, path}) => ({name, path})),
  dynamicPaths,
  bureau: city ? `${city}教育局` : '',
});
