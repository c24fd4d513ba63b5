import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { integerOption, stringOption, UsageError, type Command, type CommandContext, type Values } from '../command.ts';
import { generateCity, GENERATOR_DIR, type GenerateOptions, type Manifest } from '../../demo/index.ts';
import { DEMO_PROVINCE, generateProvince } from '../../demo/province.ts';
import { startProgress, type Progress } from '../progress.ts';

export const DEFAULT_GENERATE: Omit<GenerateOptions, 'outDir'> = {
  schools: 1200,
  fromYear: 2023,
  toYear: 2025,
  seed: 20250101,
  dirtyRate: 0,
};

export const generateCommand: Command = {
  name: 'generate',
  summary: 'generate the demo city’s export files, with its manifest and story in a hidden .demo-city/ folder (seeded, deterministic)',
  usage: '[--schools N] [--years 2023-2025] [--seed S] [--dirty RATE] [--reference DIR] [--out DIR] | … --province DIR',
  help: [
    ['--schools N', `number of schools (default ${DEFAULT_GENERATE.schools}; 30000 for a province)`],
    ['--years A-B', `years to cover (default ${DEFAULT_GENERATE.fromYear}-${DEFAULT_GENERATE.toYear}), or one year`],
    ['--seed S', `random seed (default ${DEFAULT_GENERATE.seed}); same flags give byte-identical files`],
    ['--dirty RATE', 'share of rows given a real-world problem, 0–1 (default 0)'],
    ['--reference DIR', 'reference folder whose units.csv and checklist_items.csv the city has (default data/reference, 许昌市)'],
    ['--out DIR', 'output folder (default data/inbox)'],
    ['--province DIR', 'a three-city demo province instead (许昌市, 漯河市, 三门峡市): DIR/cities.json, and per city its reference folder and exports (--schools per city)'],
  ],
  options: {
    schools: { type: 'string' },
    years: { type: 'string' },
    seed: { type: 'string' },
    dirty: { type: 'string' },
    reference: { type: 'string' },
    out: { type: 'string' },
    province: { type: 'string' },
  },
  async run(values, _positionals, context) {
    const province = stringOption(values, 'province');
    if (province !== undefined) return runProvince(resolve(province), values, context);
    const options = parseGenerateOptions(values);
    const started = Date.now();
    const manifest = await generateWithProgress(options, context);
    const rows = manifest.files.reduce((sum, f) => sum + f.rows, 0);
    context.say(
      `generated ${manifest.files.length} files, ${rows} data rows, in ${options.outDir}; manifest and story in ${join(options.outDir, GENERATOR_DIR)} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return manifest;
  },
};

async function runProvince(outDir: string, values: Values, context: CommandContext): Promise<unknown> {
  for (const flag of ['out', 'reference']) if (values[flag] !== undefined) throw new UsageError(`--province writes each city's exports and reference folder itself: drop --${flag}`);
  const { schools, seed, fromYear, toYear, dirtyRate } = parseGenerateOptions(values);
  const started = Date.now();
  const progress = startProgress(context, 'generate', DEMO_PROVINCE.length, '个城市 cities');
  const province = await generateProvince({ outDir, schools, seed, fromYear, toYear, dirtyRate, onProgress: (done, _total, city) => progress.update(done, city) }).finally(() =>
    progress.finish(),
  );
  for (const city of province.cities) context.say(`${city.code} ${city.name}: ${city.manifest.files.length} files in ${city.inboxDir}, reference folder ${city.referenceDir}`);
  context.say(`cities file ${province.citiesFile} (${((Date.now() - started) / 1000).toFixed(1)} s); use it with --cities ${province.citiesFile} --city CODE`);
  return { citiesFile: province.citiesFile, cities: province.cities.map(({ manifest: _manifest, ...city }) => city) };
}

/** Generates the city with a progress line (sources written of total). */
export async function generateWithProgress(options: GenerateOptions, context: CommandContext): Promise<Manifest> {
  let progress: Progress | null = null;
  return generateCity({
    ...options,
    onProgress: (done, total, source) => {
      progress ??= startProgress(context, 'generate', total, '个来源 sources');
      progress.update(done, source);
    },
  }).finally(() => progress?.finish());
}

export function parseGenerateOptions(values: Values): GenerateOptions {
  const schools = integerOption(values, 'schools', DEFAULT_GENERATE.schools, 1);
  const seed = integerOption(values, 'seed', DEFAULT_GENERATE.seed);
  const yearsText = stringOption(values, 'years');
  let [fromYear, toYear] = [DEFAULT_GENERATE.fromYear, DEFAULT_GENERATE.toYear];
  if (yearsText !== undefined) {
    const match = /^(\d{4})(?:-(\d{4}))?$/.exec(yearsText);
    if (!match) throw new UsageError(`--years must be a year or a range like 2023-2025, got "${yearsText}"`);
    [fromYear, toYear] = [Number(match[1]), Number(match[2] ?? match[1])];
    if (fromYear > toYear) throw new UsageError(`--years ${yearsText}: the first year is after the last`);
    if (fromYear < 2000 || toYear > 2099) throw new UsageError(`--years ${yearsText}: years must be between 2000 and 2099`);
  }
  const dirtyText = stringOption(values, 'dirty');
  const dirtyRate = dirtyText === undefined ? DEFAULT_GENERATE.dirtyRate : Number(dirtyText);
  if (!(dirtyRate >= 0 && dirtyRate <= 1) || dirtyText === '') {
    throw new UsageError(`--dirty must be a share between 0 and 1 (e.g. 0.02), got "${dirtyText}"`);
  }
  const outDir = resolve(stringOption(values, 'out') ?? 'data/inbox');
  const reference = stringOption(values, 'reference');
  if (reference !== undefined && !existsSync(join(reference, 'units.csv'))) throw new UsageError(`--reference ${reference} has no units.csv`);
  return { schools, seed, fromYear, toYear, dirtyRate, outDir, ...(reference === undefined ? {} : { referenceDir: resolve(reference) }) };
}
