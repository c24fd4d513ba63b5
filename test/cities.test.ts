/**
 * The cities file (cli/cities.ts): what it resolves a city to, and the message for each way it
 * can be wrong; a city's own reference folder (sources/reference.ts referenceDirFor) replaces the
 * bundled one only when it is complete.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCity, loadCities, loadProvince } from '../cli/cities.ts';
import { main } from '../cli/main.ts';
import { REFERENCE_DIR, referenceDirFor } from '../sources/reference.ts';
import { tempDir } from './helpers.ts';

function citiesFileWith(content: string): string {
  const dir = tempDir('safecampus-cities-file-');
  writeFileSync(join(dir, 'cities.json'), content);
  return join(dir, 'cities.json');
}

describe('the cities file', () => {
  it('resolves each city against the file’s folder, with a namespace of its own', () => {
    const file = citiesFileWith(JSON.stringify({ cities: [{ code: '4110', name: '许昌市', inbox: 'xc/inbox', data: '/srv/xc' }] }));
    expect(findCity(file, '4110')).toEqual({
      code: '4110',
      name: '许昌市',
      inboxDir: join(file, '..', 'xc', 'inbox'),
      dataDir: '/srv/xc',
      namespace: 'safecampus-4110',
    });
  });

  it.each([
    ['not JSON', '{"cities": [', /is not JSON/],
    ['no city', '{"cities": []}', /cities must list at least one city/],
    ['a county code for a city', JSON.stringify({ cities: [{ code: '411002', name: '魏都区', inbox: 'a', data: 'b' }] }), /cities\.0\.code must be the four-digit city code/],
    ['a misspelt key', JSON.stringify({ cities: [{ code: '4110', name: '许昌市', inbox: 'a', datadir: 'b' }] }), /cities\.0\.(data|datadir)/],
    ['a city twice', JSON.stringify({ cities: [1, 2].map(() => ({ code: '4110', name: '许昌市', inbox: 'a', data: 'b' })) }), /cities\.1\.code 4110 is listed twice/],
  ])('refuses %s, naming the place', (_what, content, message) => {
    expect(() => loadCities(citiesFileWith(content))).toThrow(message);
  });

  it('names the cities it lists when asked for another, and the file when there is none', () => {
    const file = citiesFileWith(JSON.stringify({ cities: [{ code: '4110', name: '许昌市', inbox: 'a', data: 'b' }] }));
    expect(() => findCity(file, '4111')).toThrow('--city 4111 is not in ' + file + '; it lists 4110 许昌市');
    expect(() => loadCities(join(file, '..', 'missing.json'))).toThrow(/no cities file .*missing\.json: write one/);
  });
});

describe('the province of the cities file', () => {
  const city = { code: '4110', name: '许昌市', inbox: 'a', data: 'b' };

  it('resolves the province with its cities and a namespace of its own', () => {
    const file = citiesFileWith(JSON.stringify({ province: { code: '41', name: '河南省', data: 'prov' }, cities: [city] }));
    const province = loadProvince(file);
    expect([province.code, province.name, province.dataDir, province.namespace, province.cities.map((c) => c.code)]).toEqual(['41', '河南省', join(file, '..', 'prov'), 'safecampus-41', ['4110']]);
  });

  it.each([
    ['no province', JSON.stringify({ cities: [city] }), /names no province: add "province"/],
    ['a city of another province', JSON.stringify({ province: { code: '42', name: '湖北省', data: 'p' }, cities: [city] }), /city 4110 许昌市 is not in province 42 湖北省/],
    ['a city code for the province', JSON.stringify({ province: { code: '4100', name: '河南省', data: 'p' }, cities: [city] }), /province\.code must be the two-digit province code/],
  ])('refuses %s', (_what, content, message) => {
    expect(() => loadProvince(citiesFileWith(content))).toThrow(message);
  });

  it.each([
    [['--city', '4110'], /the province roll-up covers every city of the cities file: drop --city/],
    [['--deadline', '2026-13-01'], /--deadline takes a date YYYY-MM-DD .* or now, got "2026-13-01"/],
    [['--poll', '5x'], /--poll takes a duration like 30s, 10m or 1h, got "5x"/],
    [['--year', '2024'], /no province edition 2024 in .*province-indicators/],
  ])('`safecampus province %s` says what is wrong, before any Temporal', async (args, message) => {
    const file = citiesFileWith(JSON.stringify({ province: { code: '41', name: '河南省', data: 'prov' }, cities: [city] }));
    let stderr = '';
    const sink = (write: (text: string) => void) => ({ write: (chunk: string) => (write(chunk), true) }) as unknown as NodeJS.WritableStream;
    const code = await main(['province', '--cities', file, ...args], { stdout: sink(() => undefined), stderr: sink((text) => (stderr += text)) } as never, {});
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('a warehouse’s reference folder', () => {
  it('is the bundled one unless a reference/ folder stands beside the warehouse, which must be complete', () => {
    const data = tempDir('safecampus-city-data-');
    const warehouse = join(data, 'warehouse.duckdb');
    expect(referenceDirFor(warehouse)).toBe(REFERENCE_DIR);
    mkdirSync(join(data, 'reference'));
    writeFileSync(join(data, 'reference', 'units.csv'), 'unit_code\n');
    expect(() => referenceDirFor(warehouse)).toThrow(/reference lacks checklist_items\.csv, school_calendar\.csv, source_cadence\.csv, unit_tiles\.csv: copy them from/);
    rmSync(join(data, 'reference'), { recursive: true });
    cpSync(REFERENCE_DIR, join(data, 'reference'), { recursive: true });
    rmSync(join(data, 'reference', 'aliases.csv'));
    expect(referenceDirFor(warehouse)).toBe(join(data, 'reference'));
  });
});
