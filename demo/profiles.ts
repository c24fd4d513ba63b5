/**
 * Deliberate differences between the units, so rankings mean something and tests can
 * assert them. Each profile is a handful of knobs read by the export modules; every unit
 * not listed is average. docs/demo-city.md explains the mechanism behind each knob.
 */

export interface UnitProfile {
  /** One line for the docs and story.json. */
  summary: string;
  /** Multiplier on every checklist item's failure probability. */
  failFactor: number;
  /** Share of hazards never rectified (majors have their own share)… */
  neverRectified: number;
  majorsLeftOpen: number;
  /** …and of the others, the share rectified on or before the due date (the rest late). */
  rectifiedOnTime: number;
  /** Multiplier on an item's failure probability within 90 days after its rectification. */
  recurrenceFactor: number;
  /** Probability a school's monthly self-inspection (自查) takes place. */
  selfInspection: number;
  /** Share of schools visited by a bureau supervision (督查) in a year. */
  supervisionCoverage: number;
  /** Device offline and fault episodes: expected episodes per device-year and median length. */
  offline: { perYear: number; medianHours: number };
  fault: { perYear: number; medianHours: number };
  /** Probability that a required evacuation drill is held. */
  drills: number;
  /** Compliance of the other programmes: lessons, surveys, courses, screening, receipts, patrols. */
  programmes: number;
  /** Median minutes to acknowledge a red/orange alert (yellow/blue take twice as long). */
  ackMedianMinutes: number;
  /** Share of alerts never acknowledged, and of acknowledged alerts closed within 24 h. */
  neverAcknowledged: number;
  closedWithin24h: number;
  /** Multiplier on the incident rate. */
  caseFactor: number;
  /** Share of 交办函 assignment letters answered by their deadline. */
  lettersOnTime: number;
  /** Share of schools with fewer guards than GB/T 29315 requires. */
  guardShortfall: number;
  /** Expected 约谈 interviews and 处罚 penalties per year. */
  interviews: number;
  penalties: number;
}

const AVERAGE: UnitProfile = {
  summary: 'average',
  failFactor: 1,
  rectifiedOnTime: 0.9,
  neverRectified: 0.02,
  majorsLeftOpen: 0.03,
  recurrenceFactor: 3,
  selfInspection: 0.95,
  supervisionCoverage: 0.85,
  offline: { perYear: 2, medianHours: 4 },
  fault: { perYear: 1, medianHours: 16 },
  drills: 0.93,
  programmes: 0.9,
  ackMedianMinutes: 3,
  neverAcknowledged: 0.02,
  closedWithin24h: 0.95,
  caseFactor: 1,
  lettersOnTime: 0.85,
  guardShortfall: 0.12,
  interviews: 0.6,
  penalties: 0.1,
};

export const UNIT_PROFILES: Record<string, UnitProfile> = {
  '411002': {
    ...AVERAGE,
    summary: '魏都区 strong all round: fewer failures, hazards fixed on time, reliable devices, fast alert response, full drills and programmes',
    failFactor: 0.6,
    rectifiedOnTime: 0.98,
    neverRectified: 0.003,
    majorsLeftOpen: 0,
    recurrenceFactor: 1.5,
    selfInspection: 1,
    supervisionCoverage: 1,
    offline: { perYear: 1, medianHours: 2 },
    fault: { perYear: 0.5, medianHours: 8 },
    drills: 0.99,
    programmes: 0.98,
    ackMedianMinutes: 1.5,
    neverAcknowledged: 0.005,
    closedWithin24h: 0.99,
    caseFactor: 0.7,
    lettersOnTime: 0.97,
    guardShortfall: 0.03,
    interviews: 0,
    penalties: 0,
  },
  '411003': AVERAGE,
  '411024': {
    ...AVERAGE,
    summary: '鄢陵县 weak on rectification: more failures, under half of hazards fixed on time, many never fixed (overdue majors at year end), more recurrences, late letter replies',
    failFactor: 1.4,
    rectifiedOnTime: 0.5,
    neverRectified: 0.15,
    majorsLeftOpen: 0.4,
    recurrenceFactor: 5,
    supervisionCoverage: 0.7,
    lettersOnTime: 0.45,
    interviews: 2,
    penalties: 0.8,
  },
  '411025': {
    ...AVERAGE,
    summary: '襄城县 poor device uptime: many long offline and fault episodes',
    offline: { perYear: 9, medianHours: 40 },
    fault: { perYear: 5, medianHours: 90 },
  },
  '411081': {
    ...AVERAGE,
    summary: '禹州市 has a student death (drowning, summer) every year: the veto',
    caseFactor: 1.2,
  },
  '411082': {
    ...AVERAGE,
    summary: '长葛市 slow alert response: acknowledgement median ~25 min, many alerts never acknowledged or closed late',
    ackMedianMinutes: 25,
    neverAcknowledged: 0.1,
    closedWithin24h: 0.75,
  },
  '411071': {
    ...AVERAGE,
    summary: '许昌经济技术开发区 has a serious (较大) bullying case reported days late every year: the concealment veto',
  },
  '411072': AVERAGE,
  '411073': {
    ...AVERAGE,
    summary: '东城区 weak on drills and programme activities',
    drills: 0.35,
    programmes: 0.5,
    interviews: 1.5,
  },
  '411000': AVERAGE,
};

export function profileOf(unitCode: string): UnitProfile {
  return UNIT_PROFILES[unitCode] ?? AVERAGE;
}

/** Share of all schools in each unit (市直 holds mostly senior, vocational and special schools). */
export const UNIT_WEIGHTS: Record<string, number> = {
  '411002': 0.12,
  '411003': 0.12,
  '411024': 0.11,
  '411025': 0.12,
  '411081': 0.19,
  '411082': 0.13,
  '411071': 0.05,
  '411072': 0.06,
  '411073': 0.05,
  '411000': 0.05,
};
