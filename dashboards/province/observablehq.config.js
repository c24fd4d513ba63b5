// Observable Framework 1.13 configuration for the province site: the province warehouse named by
// SAFECAMPUS_PROVINCE (read-only; transforms/province/rollup.ts), built by ../province-build.ts,
// which copies each city's own site under cities/<code>/. Offline and in Chinese like the city
// site (../observablehq.config.js): our stylesheet and components are the city site's (symbolic
// links in src/), no Google font, no search, every page a file named with its .html.

import {existsSync} from 'node:fs';
import {readDuckDbFile, siteConfig} from '../lib/site-config.js';

export const PROVINCE_PAGES = [
  {name: '全省总览', path: '/', file: 'index.md'},
  {name: '全省县区排名', path: '/counties', file: 'counties.md'},
  {name: '考核说明', path: '/rules', file: 'rules.md'}
];

/** The province's name as the roll-up recorded it, '' without a province file. */
async function provinceName() {
  const path = process.env.SAFECAMPUS_PROVINCE;
  if (!path || !existsSync(path)) return '';
  return readDuckDbFile(path, async (rows) => String((await rows('select province_name from province.rollup'))[0]?.[0] ?? ''));
}

const province = await provinceName();

export default siteConfig({
  title: `${province}校园安全评估`,
  pages: PROVINCE_PAGES.map(({name, path}) => ({name, path})),
  bureau: province ? `${province}教育厅` : '',
});
