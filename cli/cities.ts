/**
 * The cities one install serves (a province), listed in one file — `cities.json` in the working
 * folder, or the file `--cities` or env SAFECAMPUS_CITIES names:
 *
 *   { "cities": [ { "code": "4110", "name": "许昌市", "inbox": "4110/inbox", "data": "4110/data" } ] }
 *
 * Paths are relative to the file. Each city is a tenant: its own warehouse (`<data>/warehouse.duckdb`),
 * snapshots, site, reference data (`<data>/reference/`, see sources/reference.ts) and its own
 * Temporal namespace `safecampus-<code>`, so its workflow ids (`ingest-<sha256>`, schedules,
 * appraisals) can never meet another city's. `--city CODE` picks one for any command.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as v from 'valibot';
import { UsageError } from './command.ts';

export interface City {
  code: string;
  name: string;
  inboxDir: string;
  dataDir: string;
  /** The city's Temporal namespace. */
  namespace: string;
}

const CitySchema = v.strictObject({
  code: v.pipe(v.string(), v.regex(/^\d{4}$/, 'must be the four-digit city code of GB/T 2260 (许昌市: 4110)')),
  name: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
  inbox: v.pipe(v.string(), v.minLength(1, 'must name the folder of its export files')),
  data: v.pipe(v.string(), v.minLength(1, 'must name the folder of its warehouse')),
});
const ProvinceSchema = v.strictObject({
  code: v.pipe(v.string(), v.regex(/^\d{2}$/, 'must be the two-digit province code of GB/T 2260 (河南省: 41)')),
  name: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
  data: v.pipe(v.string(), v.minLength(1, 'must name the folder of the province warehouse and site')),
});
const CitiesSchema = v.strictObject({
  province: v.optional(ProvinceSchema),
  cities: v.pipe(v.array(CitySchema), v.minLength(1, 'must list at least one city')),
});

/** The province the cities belong to: its roll-up's warehouse and site live in `dataDir`. */
export interface Province {
  code: string;
  name: string;
  dataDir: string;
  /** The province roll-up's Temporal namespace. */
  namespace: string;
  cities: City[];
}

export const DEFAULT_CITIES_FILE = 'cities.json';

export function citiesFile(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return resolve(flag ?? env.SAFECAMPUS_CITIES ?? DEFAULT_CITIES_FILE);
}

/** Every city of `file`; a UsageError naming the file, the place and what is wrong otherwise. */
export function loadCities(file: string): City[] {
  return readCitiesFile(file).cities;
}

/** The province of `file` with its cities; a UsageError when the file names no province. */
export function loadProvince(file: string): Province {
  const { province } = readCitiesFile(file);
  if (!province) throw new UsageError(`${file} names no province: add "province": { "code": "41", "name": "河南省", "data": "province" } (see README, "Several cities")`);
  return province;
}

function readCitiesFile(file: string): { cities: City[]; province: Province | null } {
  if (!existsSync(file)) throw new UsageError(`no cities file ${file}: write one listing the cities (see README, "Several cities"), or pass --cities FILE`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = v.safeParse(CitiesSchema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = v.getDotPath(issue) ?? '(the file)';
    throw new UsageError(`${file}: ${where} ${issue.message}`);
  }
  const base = dirname(file);
  const seen = new Set<string>();
  const cities = parsed.output.cities.map((city, index) => {
    if (seen.has(city.code)) throw new UsageError(`${file}: cities.${index}.code ${city.code} is listed twice`);
    seen.add(city.code);
    return { code: city.code, name: city.name, inboxDir: resolve(base, city.inbox), dataDir: resolve(base, city.data), namespace: `safecampus-${city.code}` };
  });
  const given = parsed.output.province;
  if (!given) return { cities, province: null };
  const foreign = cities.find((city) => !city.code.startsWith(given.code));
  if (foreign) throw new UsageError(`${file}: city ${foreign.code} ${foreign.name} is not in province ${given.code} ${given.name} (a city code starts with its province's)`);
  return { cities, province: { code: given.code, name: given.name, dataDir: resolve(base, given.data), namespace: `safecampus-${given.code}`, cities } };
}

export function findCity(file: string, code: string): City {
  const cities = loadCities(file);
  const city = cities.find((c) => c.code === code);
  if (!city) throw new UsageError(`--city ${code} is not in ${file}; it lists ${cities.map((c) => `${c.code} ${c.name}`).join(', ')}`);
  return city;
}

export function cityWarehouse(city: City): string {
  return join(city.dataDir, 'warehouse.duckdb');
}

/** The inbox a command reads when --inbox is not given: the city's, else data/inbox (absolute). */
export function defaultInbox(context: { city: City | null }): string {
  return context.city?.inboxDir ?? resolve('data/inbox');
}

/** What a command hands withTemporal: the warehouse's folder (home of its embedded server) and the city's namespace. */
export function temporalOptions(context: { city: City | null; dbPath: string }): { dataDir: string; namespace?: string } {
  return { dataDir: dirname(context.dbPath), ...(context.city ? { namespace: context.city.namespace } : {}) };
}
