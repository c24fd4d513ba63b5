/**
 * The province rankings worked out a second way: plain TypeScript over the rows of each city
 * snapshot's unit scorecard, integer arithmetic in hundredths (BigInt), no SQL beyond reading the
 * rows. The roll-up (transforms/province/*.sql) must agree with it exactly.
 */
import { Warehouse } from '../../warehouse/connection.ts';
import type { ProvinceDefinition } from '../../transforms/definitions/province.ts';

export interface OracleCity {
  code: string;
  score: string;
  grade: string;
  rank: number;
}

export interface OracleUnit {
  city_code: string;
  unit_code: string;
  score: string;
  rank: number;
}

type UnitRow = {
  unit_code: string;
  score: number;
  enrollment: number | null;
  is_vetoed: boolean;
  is_ranked: boolean | null;
};

const cents = (score: number) => BigInt(Math.round(score * 100));
const asText = (hundredths: bigint) => `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`;

/** Competition ranks (1, 2, 2, 4) of `scores`, highest first, in the order given. */
function competitionRanks(scores: bigint[]): number[] {
  return scores.map((score) => 1 + scores.filter((other) => other > score).length);
}

export async function rankFromSnapshots(cities: { code: string; snapshotPath: string }[], year: number, definition: ProvinceDefinition): Promise<{ cities: OracleCity[]; units: OracleUnit[] }> {
  const unitsByCity = new Map<string, UnitRow[]>();
  for (const city of cities) {
    const snapshot = await Warehouse.open(city.snapshotPath, { readOnly: true });
    try {
      unitsByCity.set(city.code, await snapshot.all<UnitRow>('select * from marts.unit_scorecard where period = $1', [String(year)]));
    } finally {
      snapshot.close();
    }
  }
  const bands = definition.grade_bands.map((band) => ({ grade: band.grade, min: BigInt(Math.round(band.min_score * 100)) }));
  const scored = [...unitsByCity].map(([code, units]) => {
    let weighted = 0n;
    let enrollment = 0n;
    for (const unit of units) {
      const weight = BigInt(unit.enrollment ?? 0);
      weighted += cents(unit.score) * weight;
      enrollment += weight;
    }
    const score = (2n * weighted + enrollment) / (2n * enrollment); // half up
    const band = bands.findIndex((b) => score >= b.min);
    const vetoed = units.some((unit) => unit.is_vetoed);
    const grade = vetoed && bands[band].grade === definition.veto.city_grade_barred ? bands[band + 1].grade : bands[band].grade;
    return { code, score, grade };
  });
  const cityRanks = competitionRanks(scored.map((c) => c.score));
  const ranked = [...unitsByCity].flatMap(([code, units]) => units.filter((u) => u.is_ranked).map((u) => ({ city_code: code, unit_code: u.unit_code, score: cents(u.score) })));
  const unitRanks = competitionRanks(ranked.map((u) => u.score));
  return {
    cities: scored.map((c, i) => ({ code: c.code, score: asText(c.score), grade: c.grade, rank: cityRanks[i] })).sort((a, b) => a.rank - b.rank || a.code.localeCompare(b.code)),
    units: ranked.map((u, i) => ({ city_code: u.city_code, unit_code: u.unit_code, score: asText(u.score), rank: unitRanks[i] })).sort((a, b) => a.rank - b.rank || a.unit_code.localeCompare(b.unit_code)),
  };
}
