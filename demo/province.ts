/**
 * The demo province: three cities of one install (README, "Several cities"), each with units of its
 * own — 许昌市 from data/reference, 漯河市 and 三门峡市 from demo/cities/<code>/ — written as one
 * `cities.json` (with the province, 河南省, whose roll-up goes to `province/`) beside a folder per city: `<code>/data/reference/` (its complete reference folder,
 * which its warehouse reads instead of data/reference) and `<code>/inbox/` (its exports, generated
 * from that folder with a seed of its own).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_DIR } from '../sources/reference.ts';
import { generateCity, type GenerateOptions, type Manifest } from './index.ts';
import { UNKNOWN_SERIAL_FLOOR } from './registry.ts';

/** The province the demo cities belong to; its roll-up (`safecampus province`) goes to `province/`. */
export const DEMO_PROVINCE_IDENTITY = { code: '41', name: '河南省', data: 'province' } as const;

/** The cities, in cities.json order; `units`: the folder whose units.csv and unit_tiles.csv replace data/reference's (none for 许昌市). */
export const DEMO_PROVINCE: readonly { code: string; name: string; units: string | null }[] = [
  { code: '4110', name: '许昌市', units: null },
  { code: '4111', name: '漯河市', units: join(import.meta.dirname, 'cities', '4111') },
  { code: '4112', name: '三门峡市', units: join(import.meta.dirname, 'cities', '4112') },
];

/** The files of data/reference a city's own folder replaces (the bureau's aliases.csv serves the whole install). */
const CITY_UNIT_FILES = ['units.csv', 'unit_tiles.csv'];
const FIRST_SERIAL = 100_000;

export type ProvinceOptions = Omit<GenerateOptions, 'referenceDir' | 'firstSerial' | 'onLanded' | 'onProgress'> & {
  /** Told as each city is done: done of total, and the city's name. */
  onProgress?: (done: number, total: number, city: string) => void;
};

export interface ProvinceCity {
  code: string;
  name: string;
  inboxDir: string;
  dataDir: string;
  referenceDir: string;
  manifest: Manifest;
}

/**
 * Writes the province into `outDir`: cities.json, each city's reference folder and exports. 许昌市
 * gets `seed` and the serials a single city gets (its inbox is what `generate --seed` writes); the
 * others the next seeds and serial ranges of their own, so no two schools of the province share a code.
 */
export async function generateProvince(options: ProvinceOptions): Promise<{ citiesFile: string; cities: ProvinceCity[] }> {
  const { outDir, seed, onProgress, ...rest } = options;
  const span = Math.floor((UNKNOWN_SERIAL_FLOOR - FIRST_SERIAL) / DEMO_PROVINCE.length);
  if (rest.schools * 8 > span) throw new Error(`schools must be at most ${Math.floor(span / 8)} per city in a province of ${DEMO_PROVINCE.length}, got ${rest.schools}`);
  mkdirSync(outDir, { recursive: true });
  const cities: ProvinceCity[] = [];
  for (const [i, city] of DEMO_PROVINCE.entries()) {
    const dataDir = join(outDir, city.code, 'data');
    const referenceDir = join(dataDir, 'reference');
    writeReferenceFolder(referenceDir, city.units);
    const inboxDir = join(outDir, city.code, 'inbox');
    const manifest = await generateCity({ ...rest, seed: seed + i, outDir: inboxDir, referenceDir, firstSerial: FIRST_SERIAL + i * span });
    cities.push({ code: city.code, name: city.name, inboxDir, dataDir, referenceDir, manifest });
    onProgress?.(i + 1, DEMO_PROVINCE.length, city.name);
  }
  const citiesFile = join(outDir, 'cities.json');
  const listed = DEMO_PROVINCE.map((c) => ({ code: c.code, name: c.name, inbox: `${c.code}/inbox`, data: `${c.code}/data` }));
  writeFileSync(citiesFile, `${JSON.stringify({ province: DEMO_PROVINCE_IDENTITY, cities: listed }, null, 2)}\n`);
  return { citiesFile, cities };
}

/** data/reference without aliases.csv, with the city's own unit files over it; nothing left from an earlier run. */
function writeReferenceFolder(dir: string, units: string | null): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(REFERENCE_DIR).filter((f) => f.endsWith('.csv') && f !== 'aliases.csv')) {
    const own = units !== null && CITY_UNIT_FILES.includes(file) ? join(units, file) : null;
    if (own !== null && !existsSync(own)) throw new Error(`${own} is missing`);
    copyFileSync(own ?? join(REFERENCE_DIR, file), join(dir, file));
  }
}
