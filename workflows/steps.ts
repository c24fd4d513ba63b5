/**
 * The real pipeline steps behind the Temporal activities: each opens the warehouse,
 * does one job with the same functions the CLI uses, and closes it again, so no lock is
 * held between steps. The worker initialises a warehouse (migrations, raw tables, reference
 * data) at the first step that opens it, and again only when it or the reference files change
 * (initWarehouseOnce).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Warehouse } from '../warehouse/connection.ts';
import { initWarehouseOnce } from '../sources/init.ts';
import { typedWarehouse } from '../warehouse/kysely.ts';
import { publicationBlockers } from '../warehouse/publication.ts';
import { publishSnapshot } from '../warehouse/snapshot.ts';
import { earlierOutcome, ingestFile, type IngestResult } from '../sources/ingest.ts';
import { landParsedExport, parseExport, parseSettings } from '../sources/parse.ts';
import { runTransform } from '../transforms/runner.ts';
import { scoreSummary } from '../transforms/scorecards.ts';
import { currentPeriods } from '../transforms/periods.ts';
import { CheckDayError, checkSourceHealth, healthMessage, NoSourceHealthError, recordHealthCheck, type NotifyOutcome } from '../transforms/source-health.ts';
import { buildSite } from '../dashboards/build.ts';
import { createAppraisalSteps, type WithWarehouse } from './appraisal-steps.ts';
import { healthWebhookFromEnv, postHealthMessage } from './health-notify.ts';
import { discoverNewFiles, inputFingerprint, recordPublication, unchangedSince } from './inputs.ts';
import { BadInputError, type HealthOutcome, type IngestOutcome, type ParsePreparation, type PipelineDeps, type PublishOutcome, type TransformOutcome } from './activities.ts';

export interface StepsConfig {
  dbPath: string;
  /** Where the published site goes (default: <warehouse dir>/site). */
  siteDir?: string;
  holdThreshold?: number;
  /** Where the health check posts its message; default SAFECAMPUS_HEALTH_WEBHOOK, null for nowhere. */
  healthWebhookUrl?: string | null;
  /** Scale-out: the folder parse workers write parsed files to and the writer reads them from (default: <warehouse dir>/parsed). */
  parsedDir?: string;
}

function ingestOutcome(r: IngestResult): IngestOutcome {
  return { file: r.file, sha256: r.sha256, source: r.source, status: r.status, rowsLanded: r.rowsLanded, rowsRejected: r.rowsRejected, message: r.message };
}

export function createPipelineSteps(config: StepsConfig): PipelineDeps {
  const webhook = config.healthWebhookUrl === undefined ? healthWebhookFromEnv() : config.healthWebhookUrl;
  const withWarehouse: WithWarehouse = async (work) => {
    const db = await Warehouse.open(config.dbPath);
    try {
      await initWarehouseOnce(db);
      return await work(db);
    } finally {
      db.close();
    }
  };
  const publish = async (db: Warehouse, withSite: boolean): Promise<PublishOutcome> => {
    const blockers = await publicationBlockers(db);
    if (blockers.length) throw new BadInputError(`not published:\n${blockers.join('\n')}`);
    const inputs = await inputFingerprint(db);
    const snapshot = await publishSnapshot(db);
    const sitePath = withSite ? (await buildSite({ snapshotPath: snapshot.path, outDir: config.siteDir ?? join(dirname(config.dbPath), 'site') })).outDir : null;
    await recordPublication(db, snapshot.snapshot_id, inputs, sitePath);
    return { snapshotPath: snapshot.path, sitePath };
  };
  return {
    ...createAppraisalSteps(config.dbPath, withWarehouse, (db) => publish(db, true)),
    discoverFiles: (inboxDir) =>
      withWarehouse(async (db) => {
        if (!existsSync(inboxDir)) {
          throw new BadInputError(`收件箱不存在（no inbox folder ${inboxDir}: create it, or point the run or schedule at the right one with --inbox DIR）`);
        }
        return discoverNewFiles(db, inboxDir);
      }),
    unchangedSince: (options) => withWarehouse((db) => unchangedSince(db, options)),
    ingestFile: (file) => withWarehouse(async (db) => ingestOutcome(await ingestFile(db, file.path, { holdThreshold: config.holdThreshold }))),
    prepareParse: (file) =>
      withWarehouse(async (db): Promise<ParsePreparation> => {
        const earlier = await earlierOutcome(db, file.path, file.sha256);
        if (earlier) return { outcome: ingestOutcome(earlier) };
        return { settings: await parseSettings(db, config.parsedDir ?? join(dirname(config.dbPath), 'parsed'), { holdThreshold: config.holdThreshold }) };
      }),
    // the parse worker never opens the warehouse: dbPath only locates this machine's copy of the PII salt
    parseFile: ({ file, settings }) => parseExport(file.path, file.sha256, settings, config.dbPath),
    landParsed: (parsed) =>
      withWarehouse(async (db) => {
        const landed = await landParsedExport(db, parsed);
        return landed && ingestOutcome(landed);
      }),
    transform: () =>
      withWarehouse(async (db): Promise<TransformOutcome> => {
        const r = await runTransform(db);
        return {
          models: r.models.length,
          testsFailed: r.failures.length,
          failures: r.failures.map((f) => `${f.model} ${f.test}: ${f.failingRows} row(s), e.g. ${f.sample}`),
        };
      }),
    score: (requested) =>
      withWarehouse(async (db) => {
        const periods = requested.length ? requested : await currentPeriods(db);
        const known = await typedWarehouse(db).selectFrom('core.dim_periods').select('period_id').execute();
        const missing = periods.filter((p) => !known.some((k) => k.period_id === p));
        if (missing.length) throw new BadInputError(`no data for period(s) ${missing.join(', ')}`);
        const summary = await scoreSummary(db, periods);
        return { periods, rows: summary.reduce((n, p) => n + p.schools, 0) };
      }),
    publish: ({ buildSite: withSite }) => withWarehouse((db) => publish(db, withSite)),
    checkHealth: ({ checkId, checkOn, trigger }) =>
      withWarehouse(async (db): Promise<HealthOutcome> => {
        const check = await checkSourceHealth(db, checkOn).catch((error: unknown) => {
          throw error instanceof NoSourceHealthError || error instanceof CheckDayError ? new BadInputError(error.message) : error;
        });
        const notify: NotifyOutcome = !check.problems.length
          ? { status: 'nothing_to_report', detail: null }
          : webhook
            ? await postHealthMessage(webhook, healthMessage(check))
            : { status: 'not_configured', detail: null };
        await recordHealthCheck(db, check, checkId, trigger, notify);
        const { late, missing, anomalies } = check.counts;
        return { checkOn, dataUntilOn: check.data_until_on, late, missing, anomalies, notify: notify.status, notifyDetail: notify.detail };
      }),
  };
}
