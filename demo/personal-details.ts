/**
 * Personal details typed into free text, a dirt of its own (`injected` key `pii_in_text`): at
 * the dirty rate, a row with a free-text column — 隐患描述, 备注, a case's 简要经过 — gets a
 * resident ID number (18 digits with a valid check digit, or the 15-digit old form), a mobile
 * number (whole, in groups or after +86) and, where the row names a student, that student's
 * name typed into it. The ingest masks all of them before anything lands
 * (sources/free-text.ts); the row lands or is rejected on its other merits, so unlike the
 * other dirt this one may come on top of another problem. Its own random stream: the rest of
 * a dirty city is the same with or without it.
 */
import type { ColumnContract } from '../sources/contract.ts';
import type { Cell } from './format.ts';
import { idCheckDigit, type IdAreas } from './people.ts';
import type { Rng } from './random.ts';

export const PERSONAL_DETAILS = 'pii_in_text';

/** Extra columns people write sentences into, by their header. */
const FREE_TEXT_EXTRA = /备注|说明|经过|描述/;

/** The cells that carry planted details; `ExportFile` counts a row in whatever file it is finally written to. */
const planted = new WeakSet<Cell[]>();

export function hasPersonalDetails(cells: Cell[]): boolean {
  return planted.has(cells);
}

/** `copy` (a row given another problem) carries the details `cells` was planted with, if any. */
export function carryPersonalDetails(cells: Cell[], copy: Cell[]): Cell[] {
  if (planted.has(cells)) planted.add(copy);
  return copy;
}

function idNumber(rng: Rng, areas: IdAreas): string {
  const born = `${rng.int(2008, 2020)}${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(1, 28)).padStart(2, '0')}`;
  const first17 = `${rng.pick(areas.children)}${born}${String(rng.int(1, 999)).padStart(3, '0')}`;
  return first17 + idCheckDigit(first17);
}

/** A parent's ID card of before 1999: area, yymmdd, sequence. */
function oldIdNumber(rng: Rng, areas: IdAreas): string {
  return `${rng.pick(areas.parents)}${rng.int(60, 89)}${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(1, 28)).padStart(2, '0')}${String(rng.int(1, 999)).padStart(3, '0')}`;
}

function mobileNumber(rng: Rng): string {
  const digits = `1${rng.int(3, 9)}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;
  const [a, b, c] = [digits.slice(0, 3), digits.slice(3, 7), digits.slice(7)];
  return rng.pick([digits, `${a}-${b}-${c}`, `${a} ${b} ${c}`, `+86 ${digits}`]);
}

export class PersonalDetails {
  private readonly targets: number[];
  private readonly studentName: number;

  constructor(
    layout: { header: string; column: ColumnContract | null }[],
    private readonly rate: number,
    private readonly rng: Rng,
    private readonly areas: IdAreas,
  ) {
    this.targets = layout.flatMap(({ header, column }, i) => ((column ? column.freeText : FREE_TEXT_EXTRA.test(header)) ? [i] : []));
    this.studentName = layout.findIndex(({ column }) => column?.name === 'student_name');
  }

  /** Whether the file has anywhere to type details into. */
  get applies(): boolean {
    return this.targets.length > 0;
  }

  /** At the rate, types details into one free-text cell of the row (in place). */
  plant(cells: Cell[]): void {
    if (!this.applies || !(this.rng.next() < this.rate)) return;
    const target = this.rng.pick(this.targets);
    const name = this.studentName >= 0 ? cells[this.studentName] : null;
    const details = [
      typeof name === 'string' && name !== '' && this.rng.chance(0.7) ? `学生${name}` : null,
      this.rng.chance(0.6) ? `身份证号${idNumber(this.rng, this.areas)}` : null,
      this.rng.chance(0.2) ? `监护人旧身份证${oldIdNumber(this.rng, this.areas)}` : null,
      `联系电话${mobileNumber(this.rng)}`,
    ].filter((d) => d !== null);
    const text = cells[target];
    cells[target] = `${typeof text === 'string' && text !== '' ? `${text}；` : ''}${details.join('，')}`;
    planted.add(cells);
  }
}
