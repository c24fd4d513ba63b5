/**
 * The real appraisal steps behind the appraisal activities (see warehouse/appraisals.ts for the
 * warehouse side). Each is idempotent for a given appraisal id, so a retry after a crash repeats
 * nothing that was already done.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Warehouse } from '../warehouse/connection.ts';
import {
  appraisalDir,
  appraisalSummary,
  batchesLandedAfter,
  freezeWarehouse,
  publishApprovedAppraisal,
  readAppraisal,
  recordAppraisalDecision,
  recordAppraisalRequest,
} from '../warehouse/appraisals.ts';
import { isoLocal, sha256File } from '../sources/ingest.ts';
import { DefinitionError, definitionHash, loadDefinition } from '../transforms/definitions/load.ts';
import { BadInputError, type PipelineDeps, type PublishOutcome } from './activities.ts';
import { unchangedSince } from './inputs.ts';
import { writeAppraisalReports } from '../reports/appraisal/index.ts';

export type WithWarehouse = <T>(work: (db: Warehouse) => Promise<T>) => Promise<T>;

type AppraisalSteps = Required<Pick<PipelineDeps, 'freezeAppraisal' | 'computeAppraisal' | 'signOffAppraisal'>>;

/**
 * `publish` publishes the warehouse as it is (snapshot and site): an approval calls it when nothing
 * else changed since the last publish, so the site shows the approval at once.
 */
export function createAppraisalSteps(dbPath: string, withWarehouse: WithWarehouse, publish: (db: Warehouse) => Promise<PublishOutcome>): AppraisalSteps {
  return {
    freezeAppraisal: ({ appraisalId, year, cutoff }) =>
      withWarehouse(async (db) => {
        const path = join(appraisalDir(dbPath, year), `${appraisalId}.duckdb`);
        if (!existsSync(path)) {
          definitionFor(year); // no edition for the year: say so before freezing anything
          const late = await batchesLandedAfter(db, cutoff);
          if (late > 0) {
            throw new BadInputError(
              `${late} 个批次在截止日 ${cutoff} 之后入库，无法按截止日冻结（${late} batch(es) were landed after the cut-off ${cutoff}, so the warehouse ` +
                'can no longer be frozen as of that date: choose a cut-off of today or later）',
            );
          }
          await freezeWarehouse(db, path);
        }
        return { snapshotPath: path, snapshotSha256: await sha256File(path) };
      }),

    computeAppraisal: async (request) => {
      await expectUnchanged(request.snapshotPath, request.snapshotSha256);
      const frozen = await Warehouse.open(request.snapshotPath, { readOnly: true });
      const summary = await appraisalSummary(frozen, request.year).finally(() => frozen.close());
      if (Object.values(summary.rows).every((n) => n === 0)) {
        await rm(request.snapshotPath, { force: true }); // nothing to appraise: keep no frozen file either
        throw new BadInputError(
          `冻结的数据中没有 ${request.year} 年度的评分结果（the frozen warehouse has no scores for ${request.year}: land that year's exports and run ` +
            '`safecampus run` first, then start the appraisal again）',
        );
      }
      const definition = definitionFor(request.year);
      await withWarehouse((db) =>
        recordAppraisalRequest(db, {
          appraisal_id: request.appraisalId,
          year: request.year,
          cutoff_on: request.cutoff,
          snapshot_path: request.snapshotPath,
          snapshot_sha256: request.snapshotSha256,
          definition_version: definition.version,
          definition_sha256: definition.sha256,
          summary: JSON.stringify(summary),
          requested_at: isoLocal(new Date(request.requestedAt)),
        }),
      );
      return summary;
    },

    signOffAppraisal: (decision) =>
      withWarehouse(async (db) => {
        const record = await readAppraisal(db, decision.appraisalId);
        if (!record) throw new BadInputError(`no appraisal ${decision.appraisalId} in audit.appraisals`);
        const decidedAt = isoLocal(new Date(decision.decidedAt));
        const status = decision.decision === 'approve' ? 'approved' : 'rejected';
        let published: { publishedPath: string; manifestPath: string } | null = null;
        // Publishing again is safe only when the last publish is of the data as it is: otherwise
        // batches landed since would be published untransformed, and the next run does it.
        const current = status === 'approved' && (await unchangedSince(db, { buildSite: false })) !== null;
        if (status === 'approved') {
          await expectUnchanged(record.snapshot_path, record.snapshot_sha256);
          published = await publishApprovedAppraisal(record, {
            appraisal_id: record.appraisal_id,
            year: record.year,
            cutoff_on: record.cutoff_on,
            snapshot_sha256: record.snapshot_sha256,
            definition_version: record.definition_version,
            definition_sha256: record.definition_sha256,
            summary: record.summary === null ? null : JSON.parse(record.summary),
            status,
            approver: decision.approver,
            comment: decision.comment,
            requested_at: record.requested_at,
            decided_at: decidedAt,
          });
          // the official reports, from the approved file only, beside it
          await writeAppraisalReports({
            snapshotPath: published.publishedPath,
            year: record.year,
            outDir: join(dirname(published.publishedPath), 'report'),
            signOff: { approver: decision.approver, comment: decision.comment ?? '', decided_at: decidedAt },
          });
        }
        await recordAppraisalDecision(db, {
          appraisal_id: decision.appraisalId,
          status,
          approver: decision.approver,
          comment: decision.comment,
          decided_at: decidedAt,
          published_path: published?.publishedPath ?? null,
        });
        const site = status !== 'approved' ? { sitePath: null, siteNote: null } : await republish(db, current, publish);
        return { status, publishedPath: published?.publishedPath ?? null, manifestPath: published?.manifestPath ?? null, ...site };
      }),
  };
}

/** After an approval: the site rebuilt with it, or why not (the approval stands either way). */
async function republish(db: Warehouse, current: boolean, publish: (db: Warehouse) => Promise<PublishOutcome>): Promise<{ sitePath: string | null; siteNote: string | null }> {
  if (!current) return { sitePath: null, siteNote: '网站在下次运行时更新：上次发布之后数据有变化，或尚未发布过（the next run rebuilds the site: the data changed since the last publish, or nothing was published yet）' };
  try {
    return { sitePath: (await publish(db)).sitePath, siteNote: null };
  } catch (error) {
    return { sitePath: null, siteNote: `网站未能更新，下次运行时重试（the site was not rebuilt: ${error instanceof Error ? error.message : String(error)}）` };
  }
}

/** The frozen file is immutable: a changed hash means someone touched it, and nothing may be built on it. */
async function expectUnchanged(path: string, sha256: string): Promise<void> {
  const actual = existsSync(path) ? await sha256File(path) : 'missing';
  if (actual !== sha256) {
    throw new BadInputError(`冻结文件已被改动（the frozen appraisal file ${path} changed: sha256 ${actual}, recorded ${sha256}); start a new appraisal`);
  }
}

function definitionFor(year: number): { version: string; sha256: string } {
  try {
    return { version: loadDefinition(year).version, sha256: definitionHash(year) };
  } catch (error) {
    if (error instanceof DefinitionError) {
      // one headline: the definition's own problems listed under it, not its headline nested in ours
      const problems = error.problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n');
      throw new BadInputError(`没有可用的 ${year} 年度指标体系 / no usable indicator definition for ${year} (${error.file}):\n${problems}`);
    }
    throw error;
  }
}
