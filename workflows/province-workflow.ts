/**
 * The province roll-up (全省汇总), deterministic workflow code (bundled with workflows.ts; imports
 * only `@temporalio/workflow` and activity TYPES).
 *
 * provinceWorkflow (id province-<year>): check every city's latest published snapshot; while a city
 * has none for the year and the deadline has not passed, wait (a durable timer) and check again;
 * then build the province warehouse and site from what is published — a city still missing is
 * listed as such, never left out.
 */
import { ApplicationFailure, defineQuery, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { ProvinceActivities, ProvinceBuildInput, ProvinceBuilt } from './province-activities.ts';
import type { CityPublication, ProvinceCity } from '../transforms/province/rollup.ts';

export interface ProvinceInput {
  year: number;
  /** The end of the last day to publish, as an ISO instant; a roll-up started after it does not wait. */
  deadline: string;
  /** How often to look again while a city has not published, in ms. Default 10 minutes. */
  pollEveryMs?: number;
  cities: ProvinceCity[];
  build: Omit<ProvinceBuildInput, 'publications' | 'deadline' | 'year'>;
}

export interface ProvinceState {
  status: 'waiting' | 'building' | 'done';
  checks: number;
  /** Cities whose snapshot for the year is not (yet) usable, by the last check. */
  waitingFor: { code: string; name: string; status: CityPublication['status'] }[];
  built: ProvinceBuilt | null;
}

export const provinceStateQuery = defineQuery<ProvinceState>('state');

export function provinceWorkflowId(year: number): string {
  return `province-${year}`;
}

const steps = proxyActivities<ProvinceActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: ['BadInputError'] },
});

export async function provinceWorkflow(input: ProvinceInput): Promise<ProvinceState> {
  const deadlineMs = Date.parse(input.deadline);
  if (!Number.isFinite(deadlineMs)) throw ApplicationFailure.nonRetryable(`deadline must be an ISO instant, got "${input.deadline}"`, 'BadInputError');
  const state: ProvinceState = { status: 'waiting', checks: 0, waitingFor: [], built: null };
  setHandler(provinceStateQuery, () => state);

  let publications: CityPublication[];
  for (;;) {
    publications = await steps.checkPublications({ cities: input.cities, year: input.year, definitionPath: input.build.definitionPath });
    state.checks += 1;
    state.waitingFor = publications.filter((p) => p.status !== 'published').map(({ code, name, status }) => ({ code, name, status }));
    const left = deadlineMs - Date.now();
    if (state.waitingFor.length === 0 || left <= 0) break;
    await sleep(Math.min(left, input.pollEveryMs ?? 600_000));
  }

  state.status = 'building';
  state.built = await steps.buildProvince({ ...input.build, year: input.year, deadline: input.deadline, publications });
  state.status = 'done';
  return state;
}

