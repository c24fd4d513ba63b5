// Builds the province site (Observable Framework 1.13, the project in province/) from a province
// warehouse (transforms/province/rollup.ts), with each city's own site copied under cities/<code>/:
//
//   const { outDir, pages } = await buildProvinceSite({ provincePath, outDir, citySites });
//
// - Framework runs on province/ with SAFECAMPUS_PROVINCE naming the file (read-only), offline, its
//   output finished and swapped in whole as the city site's is (lib/framework.ts).
// - A city's site is linked from the province file (province.cities.site_href,
//   "cities/<code>/index.html"): every city the file links must be given here with a built site,
//   and every site given must be the one the file links, so no link of the province site 404s and
//   no site is copied that nothing links.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameworkProject, PAGE_LOAD, finishOutput } from './lib/framework.ts';
import { readProvince, siteFolder } from './lib/province.ts';

/** Where a city's own site sits in the province site (what province.cities.site_href must say). */
export function citySiteHref(code: string): string {
  return `cities/${code}/index.html`;
}

export interface CitySite {
  /** The city's code, as province.cities has it. */
  code: string;
  /** The city's built site (buildSite's outDir). */
  siteDir: string;
}

export interface BuildProvinceSiteOptions {
  /** The province warehouse (read-only). */
  provincePath: string;
  /** Where the site goes; replaced as a whole when the build succeeds. */
  outDir: string;
  /** The cities' built sites, one for each city whose site_href the province file sets. */
  citySites?: CitySite[];
  /** Give up after this long (default 10 minutes, lock wait included). */
  timeoutMs?: number;
  /** Receives Framework's log lines as they come (default: discarded). */
  onLog?: (line: string) => void;
  /** Called as the pages are built, then as each city's site is copied: done of total and what. */
  onProgress?: (phase: 'pages' | 'cities', done: number, total: number, detail: string) => void;
}

export interface BuildProvinceSiteResult {
  outDir: string;
  /** The province's own pages, as .html paths relative to outDir (the cities' sites not included). */
  pages: string[];
  /** The cities whose sites were copied, by code, with the folder they went to ("cities/4110/"). */
  cities: { code: string; folder: string }[];
  durationMs: number;
}

const PROJECT = new FrameworkProject(join(dirname(fileURLToPath(import.meta.url)), 'province'));

/** Which site goes where: the province file's links checked against the sites given. */
function citySiteFolders(links: { city_code: string; site_href: string | null }[], sites: CitySite[]): { code: string; siteDir: string; folder: string }[] {
  const problems: string[] = [];
  const given = new Map<string, string>();
  for (const site of sites) {
    if (given.has(site.code)) problems.push(`city ${site.code} is given twice`);
    given.set(site.code, resolve(site.siteDir));
  }
  const out: { code: string; siteDir: string; folder: string }[] = [];
  for (const { city_code: code, site_href: href } of links) {
    const siteDir = given.get(code);
    given.delete(code);
    if (href === null) {
      if (siteDir) problems.push(`city ${code}: a site is given but the province file links none (site_href is null)`);
      continue;
    }
    if (href !== citySiteHref(code)) problems.push(`city ${code}: site_href ${href} is not ${citySiteHref(code)}`);
    else if (!siteDir) problems.push(`city ${code}: the province file links ${href} but no site is given for it`);
    else if (!existsSync(join(siteDir, 'index.html')) || !statSync(siteDir).isDirectory()) problems.push(`city ${code}: ${siteDir} is not a built site (no index.html)`);
    else out.push({ code, siteDir, folder: siteFolder(href) });
  }
  for (const code of given.keys()) problems.push(`city ${code}: a site is given but the province file has no such city`);
  if (problems.length) throw new Error(`the cities' sites do not match the province file:\n${problems.join('\n')}`);
  return out;
}

/** Builds the province site from `provincePath` into `outDir` (replacing it); see the file header. */
export async function buildProvinceSite(options: BuildProvinceSiteOptions): Promise<BuildProvinceSiteResult> {
  const started = performance.now();
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  const provincePath = resolve(options.provincePath);
  if (!existsSync(provincePath) || !statSync(provincePath).isFile()) throw new Error(`province warehouse not found: ${provincePath}`);
  const outDir = resolve(options.outDir);
  PROJECT.checkOutDir(outDir);
  const { cities } = await readProvince(provincePath);
  const sites = citySiteFolders(cities, options.citySites ?? []);
  for (const site of sites) {
    if (outDir === site.siteDir || outDir.startsWith(`${site.siteDir}/`)) {
      throw new Error(`outDir ${outDir} must not be inside city ${site.code}'s site ${site.siteDir}`);
    }
  }

  const pages = await PROJECT.buildInto(outDir, deadline, async (staging) => {
    const total = readdirSync(PROJECT.sourceRoot).filter((name) => name.endsWith('.md')).length;
    let done = 0;
    await PROJECT.run({ SAFECAMPUS_PROVINCE: provincePath }, staging, deadline, (line) => {
      const page = PAGE_LOAD.exec(line)?.[1];
      if (page && done < total) options.onProgress?.('pages', ++done, total, page);
      options.onLog?.(line);
    });
    const built = await finishOutput(staging);
    for (const [i, site] of sites.entries()) {
      await cp(site.siteDir, join(staging, site.folder), { recursive: true });
      options.onProgress?.('cities', i + 1, sites.length, site.code);
    }
    return built;
  });
  return { outDir, pages, cities: sites.map(({ code, folder }) => ({ code, folder })), durationMs: Math.round(performance.now() - started) };
}
