/**
 * The whole synthetic city in memory: reference data, the registry with its history and
 * the story. Exports are streamed from it; only the registry (one small record per
 * school and term) is held, never an export.
 */
import { dayOf, type Day } from './calendar.ts';
import { buildHistory, createSchools, stateOn, type School, type SchoolReport } from './registry.ts';
import { idAreas, type IdAreas } from './people.ts';
import { loadChecklist, loadUnits, type ChecklistItem, type Unit } from './reference.ts';
import { streamFor } from './random.ts';
import { planSilences } from './silences.ts';
import { planStory, storyUnits, type Story } from './story.ts';

export interface City {
  seed: number;
  /** The city's name as units.csv writes it before a unit's (许昌市); '' when it has none. */
  name: string;
  years: number[];
  /** Export cut-off (31 Dec of the last year): no generated date is later. */
  cutoff: Day;
  units: Unit[];
  idAreas: IdAreas;
  checklist: ChecklistItem[];
  schools: School[];
  /** Registry report days: 1 March and 1 September of every year. */
  reportDays: Day[];
  story: Story;
}

export interface CityShape {
  seed: number;
  schools: number;
  fromYear: number;
  toYear: number;
  /** The reference folder whose units.csv and checklist_items.csv the city has. */
  referenceDir?: string;
  /** The first school serial handed out (registry.ts), so cities of one province get codes of their own. */
  firstSerial?: number;
}

export function buildCity({ seed, schools: schoolCount, fromYear, toYear, referenceDir, firstSerial }: CityShape): City {
  const years = Array.from({ length: toYear - fromYear + 1 }, (_, i) => fromYear + i);
  const units = loadUnits(referenceDir);
  const plan = createSchools(streamFor(seed, 'registry'), units, schoolCount, fromYear, firstSerial);
  const where = storyUnits(units);
  const planned = planStory(streamFor(seed, 'story'), plan, years, where);
  const story: Story = { ...planned, silences: planSilences(streamFor(seed, 'silences'), plan, planned, where, toYear) };
  const reportDays = years.flatMap((y) => [dayOf(y, 3, 1), dayOf(y, 9, 1)]);
  buildHistory(streamFor(seed, 'history'), plan, reportDays, story.events);
  const name = units.find((u) => u.cityName !== '')?.cityName ?? '';
  const checklist = loadChecklist(referenceDir);
  return { seed, name, years, cutoff: dayOf(toYear, 12, 31), units, idAreas: idAreas(units), checklist, schools: plan.schools, reportDays, story };
}

/** The schools open on a day, with their registry state as it was then. */
export function openSchools(city: City, day: Day): { school: School; state: SchoolReport }[] {
  const open: { school: School; state: SchoolReport }[] = [];
  for (const school of city.schools) {
    const state = stateOn(school, day);
    if (state && school.openedOn <= day) open.push({ school, state });
  }
  return open;
}

/** How many registry codes end with each 8-digit suffix (a lost-digits code is repairable when one). */
export function codesBySuffix(city: City): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of city.schools) counts.set(s.code.slice(2), (counts.get(s.code.slice(2)) ?? 0) + 1);
  return counts;
}
