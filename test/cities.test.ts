/**
 * The cities file (cli/cities.ts): what it resolves a city to, and the message for each way it
 * can be wrong; a city's own reference folder (sources/reference.ts referenceDirFor) replaces the
 * bundled one only when it is complete.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCity, loadCities } from '../cli/cities.ts';
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
