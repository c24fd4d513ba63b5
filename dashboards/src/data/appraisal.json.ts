// Data for the 年度考核 page: the approved annual appraisals only (audit.appraisals with
// status 'approved'), each with its sign-off (approver, decided_at), the hashes of its frozen
// snapshot and definition, and the unit ranking of marts.unit_scorecard for its year.
// Pending and rejected appraisals are not shown: the page is the official result.
//
// Grain of the output: one JSON document; `appraisals` one entry per approved appraisal,
// latest year first (one per year: the latest approval wins), each with one ranking row per unit.
import { runLoader, type Snapshot } from '../../lib/snapshot.ts';

async function appraisal(snapshot: Snapshot) {
  if (!snapshot.has('audit.appraisals')) return { scope: snapshot.scope, appraisals: [] };
  const approved = await snapshot.query<{ year: number }>(
    `select appraisal_id, year, cutoff_on::varchar as cutoff_on, snapshot_sha256, definition_version, approver, comment,
            decided_at::varchar as decided_at
     from audit.appraisals where status = 'approved'
     qualify row_number() over (partition by year order by decided_at desc) = 1
     order by year desc`,
  );
  const ranking = await snapshot.query<{ period: string }>(
    `select period, unit_code, unit_name, score, grade, rank, is_ranked, is_vetoed, n_vetoed_schools, n_schools, school_mean, supervision_score
     from marts.unit_scorecard order by period, rank nulls last, score desc, unit_code`,
  );
  return {
    scope: snapshot.scope,
    appraisals: approved.map((a) => ({ ...a, ranking: ranking.filter((r) => r.period === String(a.year)).map(({ period: _, ...r }) => r) })),
  };
}

await runLoader('appraisal.json', appraisal, ['marts.unit_scorecard']);
