// Small counts that stay small (DOMAIN.md §6), for every page, report and data file that
// publishes case counts: the one place the rule lives, below both the site and the reports.
//
// Primary suppression: a school's count of a sensitive case category (性侵害, 心理危机) or of
// deaths that is 1 or 2 is published as "<3". Complementary suppression: a published table
// also carries totals (a county's cases, the city's cases of a category…), and a reader who
// can subtract could work a "<3" back out. protectCounts takes the table as cells and the
// sums a reader can see between them, and withholds further cells ("—") — the smallest first,
// school cells before county totals before city cells, the city's total last — until no "<3"
// can be pinned to 1 or to 2 from what is shown. How it decides (docs/privacy.md): it bounds every withheld cell from
// the sums (a "<3" is 1 or 2, a withheld sensitive school count is 3 or more, any other
// withheld or unpublished count 0 or more), and a "<3" is safe when both 1 and 2 leave the
// bounds consistent.

export const SENSITIVE_CATEGORIES = ['性侵害', '心理危机'] as const;
export const SMALL_COUNT_LIMIT = 3;
export const SMALL = '<3';
export const WITHHELD = '—';

/** A count as published: exact, "<3" (1 or 2) or "—" (withheld so that no "<3" can be derived). */
export type Published = number | typeof SMALL | typeof WITHHELD;

export function isSensitiveCategory(category: string): boolean {
  return (SENSITIVE_CATEGORIES as readonly string[]).includes(category);
}

/** The primary rule alone: 1 and 2 become "<3", zero and 3 or more stay exact. */
export function suppressSmall(count: number): number | typeof SMALL {
  if (!Number.isInteger(count) || count < 0) throw new Error(`a count must be a non-negative integer, got ${count}`);
  return count > 0 && count < SMALL_COUNT_LIMIT ? SMALL : count;
}

/**
 * One number of a table. `sensitive`: a school-level count the primary rule applies to.
 * `hidden`: a quantity a reader knows exists but never sees (e.g. a county's cases of one
 * severity), never published. `tier` orders complements: lower tiers are withheld first (a
 * headline total such as the city's cases gets the highest, so it goes only when nothing else can).
 */
export interface Cell {
  id: string;
  value: number;
  sensitive?: boolean;
  hidden?: boolean;
  tier?: number;
}

/** Σ coefficient × cell = 0, e.g. [[county, -1], [school A, 1], [school B, 1]]. */
export type Relation = Array<[id: string, coefficient: number]>;

interface Bounds {
  lo: number;
  hi: number;
}

/** The published form of every cell (hidden cells left out). */
export function protectCounts(cells: Cell[], relations: Relation[]): Map<string, Published> {
  const byId = new Map(cells.map((c) => [c.id, c]));
  for (const relation of relations) {
    for (const [id] of relation) if (!byId.has(id)) throw new Error(`a relation names the unknown cell ${id}`);
    if (relation.reduce((sum, [id, a]) => sum + a * byId.get(id)!.value, 0) !== 0) throw new Error(`the cells do not add up: ${relation.map(([id, a]) => `${a}×${id}`).join(' + ')}`);
  }
  const primaries = new Set(cells.filter((c) => c.sensitive && suppressSmall(c.value) === SMALL));
  const withheld = new Set<string>();
  const relationsOf = new Map<string, Relation[]>();
  for (const relation of relations) for (const [id] of relation) relationsOf.set(id, [...(relationsOf.get(id) ?? []), relation]);
  const unknown = (c: Cell) => c.hidden || withheld.has(c.id) || primaries.has(c);

  // What the table as published so far tells a reader, tightened from every relation; it depends only
  // on the cells withheld, so it is worked out again only after one more is withheld.
  let told: Map<string, Bounds> | undefined;
  const tableTells = () => {
    if (!told) {
      told = new Map(cells.map((c) => [c.id, domainOf(c, unknown(c))]));
      tighten(told, relations, relationsOf);
    }
    return told;
  };
  // A trial starts from what the table tells, where every relation already holds: only the relations
  // of the fixed cell, and of the cells it moves in turn, can tighten anything.
  const isOpen = (p: Cell) => [1, 2].every((v) => tighten(new Map([[p.id, { lo: v, hi: v }]]), relationsOf.get(p.id) ?? [], relationsOf, tableTells()));
  // withholding a cell only widens what a reader can infer, so a "<3" found safe stays safe: each is checked until it is
  for (const exposed of primaries) {
    while (!isOpen(exposed)) {
      const complement = smallestComplement(exposed, relationsOf, (c) => !unknown(c) && c.value > 0, (id) => byId.get(id)!);
      if (!complement) throw new Error(`cannot protect ${exposed.id}: every cell it adds up with is already withheld or zero`);
      withheld.add(complement.id);
      told = undefined;
    }
  }
  const published = new Map<string, Published>();
  for (const c of cells) if (!c.hidden) published.set(c.id, primaries.has(c) ? SMALL : withheld.has(c.id) ? WITHHELD : c.value);
  return published;
}

/** What a reader knows of a cell: its value, or the range its mark allows. */
function domainOf(cell: Cell, isUnknown: boolean): Bounds {
  if (!isUnknown) return { lo: cell.value, hi: cell.value };
  if (cell.hidden) return { lo: 0, hi: Infinity };
  if (cell.sensitive) return cell.value < SMALL_COUNT_LIMIT ? { lo: 1, hi: SMALL_COUNT_LIMIT - 1 } : { lo: SMALL_COUNT_LIMIT, hi: Infinity };
  return { lo: 0, hi: Infinity };
}

/**
 * Tightens the bounds from the relations `from`, and again from every relation of a cell whose bounds
 * moved, until nothing changes; false when they cannot all hold. Each step only narrows bounds by what
 * one relation allows, so the order they are taken in does not change where this ends (the tightest
 * bounds every relation allows) nor whether it fails. With `under`, `bounds` holds only what differs
 * from it (a trial's changes to what the table tells), and only `bounds` is written.
 */
function tighten(bounds: Map<string, Bounds>, from: Relation[], relationsOf: Map<string, Relation[]>, under?: Map<string, Bounds>): boolean {
  const get = (id: string) => bounds.get(id) ?? under!.get(id)!;
  const queued = new Set(from);
  for (const relation of queued) {
    queued.delete(relation);
    // Σ a·x over the relation: its least and greatest value, counting infinite ends apart
    let lo = 0, hi = 0, loInf = 0, hiInf = 0;
    const n = relation.length;
    if (termLo.length < n) [termLo, termHi] = [new Float64Array(2 * n), new Float64Array(2 * n)];
    for (let i = 0; i < n; i++) {
      const [id, a] = relation[i]!;
      const d = get(id);
      const tlo = a > 0 ? a * d.lo : a * d.hi;
      const thi = a > 0 ? a * d.hi : a * d.lo;
      if (tlo === -Infinity) loInf++; else lo += tlo;
      if (thi === Infinity) hiInf++; else hi += thi;
      termLo[i] = tlo;
      termHi[i] = thi;
    }
    for (let i = 0; i < n; i++) {
      const [id, a] = relation[i]!;
      const tlo = termLo[i]!, thi = termHi[i]!;
      // the rest of the relation lies in [restLo, restHi], and a·x = −rest
      const restLo = tlo === -Infinity ? (loInf > 1 ? -Infinity : lo) : loInf ? -Infinity : lo - tlo;
      const restHi = thi === Infinity ? (hiInf > 1 ? Infinity : hi) : hiInf ? Infinity : hi - thi;
      const xlo = a > 0 ? -restHi / a : -restLo / a;
      const xhi = a > 0 ? -restLo / a : -restHi / a;
      const d = get(id);
      const next = { lo: Math.max(d.lo, Math.ceil(xlo)), hi: Math.min(d.hi, Math.floor(xhi)) };
      if (next.lo > next.hi) return false;
      if (next.lo !== d.lo || next.hi !== d.hi) {
        bounds.set(id, next);
        for (const other of relationsOf.get(id)!) queued.add(other);
      }
    }
  }
  return true;
}

/** Each term's least and greatest value in the relation being tightened (reused, grown as needed). */
let termLo = new Float64Array(64);
let termHi = new Float64Array(64);

/**
 * The cell to withhold next: among the published cells that add up with the exposed one — in
 * its own relations first, then in the relations of the cells already withheld beside it — the
 * lowest tier, then the smallest value.
 */
function smallestComplement(exposed: Cell, relationsOf: Map<string, Relation[]>, eligible: (c: Cell) => boolean, cell: (id: string) => Cell): Cell | undefined {
  const seen = new Set([exposed.id]);
  // a relation read once has all its cells seen: the big ones (a category over every school) are read once per search
  const read = new Set<Relation>();
  let frontier = [exposed.id];
  while (frontier.length) {
    const neighbours: string[] = [];
    for (const id of frontier) {
      for (const relation of relationsOf.get(id) ?? []) {
        if (read.has(relation)) continue;
        read.add(relation);
        for (const [other] of relation) {
          if (!seen.has(other)) {
            seen.add(other);
            neighbours.push(other);
          }
        }
      }
    }
    const candidates = neighbours.map(cell).filter(eligible);
    if (candidates.length) return candidates.sort((a, b) => (a.tier ?? 0) - (b.tier ?? 0) || a.value - b.value || a.id.localeCompare(b.id))[0];
    frontier = neighbours;
  }
  return undefined;
}
