// Data for the 年度考核 page: the approved annual appraisals only (audit.appraisals with
// status 'approved'), each with its sign-off (approver, decided_at), the hashes of its frozen
// snapshot and definition, the unit ranking of marts.unit_scorecard for its year, and the
// method comparison of the appraisal report (transforms/weighting/methods.ts: the official points ranking
// beside AHP, entropy and TOPSIS). Pending and rejected appraisals are not shown: the page is
// the official result.
//
// Grain of the output: one JSON document; `appraisals` one entry per approved appraisal,
// latest year first (one per year: the latest approval wins), each with one ranking row per
// unit and `comparison` one row per ranked unit (or `comparison_note` saying why there is none),
// `files` the official PDF and XLSX the site ships (lib/appraisal-files.ts; none in a unit-scoped build).
import { sql } from 'kysely';
import { compareMethods, readMethodInputs } from '../../../transforms/weighting/methods.ts';
import { definitionForSnapshot, readEdition, SnapshotDefinitionError } from '../../../transforms/definitions/snapshot-edition.ts';
import { appraisalFiles } from '../../lib/appraisal-files.ts';
import { siteLoader } from '../../lib/loader.ts';
import { log, openSnapshot, typedSnapshot, type Snapshot } from '../../lib/snapshot.ts';

const COMPARISON_TABLES = ['core.dim_periods', 'ref.definition_editions', 'ref.domains', 'ref.indicators', 'marts.indicator_values', 'marts.school_scorecard', 'marts.unit_indicator_ranking'];

/**
 * The ranked units under every method of the year's definition. Only unit-level numbers
 * (scores, ranks, weights) are returned; `city` must be the unscoped snapshot, since AHP
 * combines every unit's schools just as the official unit score does.
 */
async function comparison(city: Snapshot, year: number) {
  const period = String(year);
  const q = typedSnapshot(city);
  const row = await q.selectFrom('core.dim_periods').select('definition_edition').where('period_id', '=', period).executeTakeFirst();
  if (!row) throw new SnapshotDefinitionError(`the snapshot has no period ${period} (core.dim_periods)`);
  const edition = await readEdition(q, row.definition_edition);
  const definition = definitionForSnapshot(edition);
  const result = compareMethods(await readMethodInputs(q, period), definition);
  const names = new Map(
    (await q
      .selectFrom('ref.domains')
      .select(['domain_id as id', 'domain_name_zh as name'])
      .where('edition', '=', edition.edition)
      .unionAll(q.selectFrom('ref.indicators').select(['indicator_id as id', 'indicator_name_zh as name']).where('edition', '=', edition.edition))
      .execute()).map((r) => [r.id, r.name]),
  );
  const named = (ids: string[]) => ids.map((id) => ({ id, name: names.get(id) ?? id }));
  return {
    methods: result.methods,
    units: result.units,
    school_weight: definition.unit_score.school_weight,
    supervision_weight: definition.unit_score.supervision_weight,
    ahp: result.ahp ? { domains: named(result.ahp.labels).map((d, i) => ({ ...d, weight: result.ahp!.weights[i] })), cr: result.ahp.cr } : null,
    entropy_criteria: result.entropy ? named(result.entropy.criteria) : null,
    topsis_weights_from: definition.ranking.methods.topsis?.weights_from ?? null,
    dropped_criteria: named(result.droppedCriteria),
  };
}

async function appraisal(snapshot: Snapshot) {
  if (!snapshot.has('audit.appraisals')) return { scope: snapshot.scope, appraisals: [] };
  const q = typedSnapshot(snapshot);
  // the latest approval of each year; dates and times as the warehouse's text, not the loaders' JSON form
  const approvals = q
    .selectFrom('audit.appraisals')
    .select((eb) => [
      'appraisal_id',
      'year',
      sql<string>`${eb.ref('cutoff_on')}::varchar`.as('cutoff_on'),
      'snapshot_sha256',
      'definition_version',
      'approver',
      'comment',
      sql<string | null>`${eb.ref('decided_at')}::varchar`.as('decided_at'),
      sql<number>`row_number() over (partition by ${eb.ref('year')} order by ${eb.ref('decided_at')} desc)`.as('latest'),
    ])
    .where('status', '=', 'approved');
  const approved = await q
    .selectFrom(approvals.as('a'))
    .select(['appraisal_id', 'year', 'cutoff_on', 'snapshot_sha256', 'definition_version', 'approver', 'comment', 'decided_at'])
    .where('latest', '=', 1)
    .orderBy('year', 'desc')
    .execute();
  const ranking = await q
    .selectFrom('marts.unit_scorecard')
    .select(['period', 'unit_code', 'unit_name', 'score', 'grade', 'rank', 'is_ranked', 'is_vetoed', 'n_vetoed_schools', 'n_schools', 'school_mean', 'supervision_score'])
    .orderBy('period')
    .orderBy('rank', (order) => order.nullsLast())
    .orderBy('score', 'desc')
    .orderBy('unit_code')
    .execute();
  // The comparison ranks units, which is city-level like the ranking itself (DOMAIN.md §6):
  // a unit-scoped build computes it on the unscoped snapshot and publishes only unit-level numbers.
  const files = await appraisalFiles(snapshot);
  const city = snapshot.scope && approved.length ? await openSnapshot({ path: snapshot.path, requiredTables: COMPARISON_TABLES }) : snapshot;
  try {
    const appraisals = [];
    for (const a of approved) {
      const methods = await comparison(city, a.year).catch((error: unknown) => {
        if (!(error instanceof SnapshotDefinitionError)) throw error;
        log(`[appraisal.json] no method comparison for ${a.year}: ${error.message}`);
        return null;
      });
      appraisals.push({
        ...a,
        ranking: ranking.filter((r) => r.period === String(a.year)).map(({ period: _, ...r }) => r),
        comparison: methods,
        files: files.filter((f) => f.year === a.year).map(({ kind, label, href }) => ({ kind, label, href })),
        comparison_note: methods ? null : '本年度无法进行方法对比：快照中该年度的指标体系版本或其文件无法核对。正式排名以上表为准。',
      });
    }
    return { scope: snapshot.scope, appraisals };
  } finally {
    if (city !== snapshot) city.close();
  }
}

export default await siteLoader(import.meta, { output: 'appraisal.json', tables: ['marts.unit_scorecard', ...COMPARISON_TABLES], build: appraisal });
