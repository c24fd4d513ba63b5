import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { integerOption, stringOption, UsageError, type Command } from '../command.ts';
import { readLatestSnapshot } from '../../warehouse/snapshot.ts';
import { buildSite } from '../../dashboards/build.ts';
import { serveStatic } from '../../dashboards/serve.ts';
import { startProgress, type Progress } from '../progress.ts';

export const dashboardsCommand: Command = {
  name: 'dashboards',
  summary: 'build the dashboard site from the latest snapshot, or preview the built site',
  usage: 'build [--unit CODE] [--out DIR] | preview [--out DIR] [--port N]',
  help: [
    ['--unit CODE', 'build for one unit: no other unit’s school-level data in the output'],
    ['--out DIR', 'site folder (default data/site, or data/site-<CODE> with --unit)'],
    ['--port N', 'preview port (default 3000)'],
  ],
  options: { unit: { type: 'string' }, out: { type: 'string' }, port: { type: 'string' } },
  allowPositionals: true,
  async run(values, positionals, context) {
    const [action] = positionals;
    if (positionals.length !== 1 || (action !== 'build' && action !== 'preview')) throw new UsageError('say `build` or `preview`');
    const dbPath = context.dbPath;
    const unit = stringOption(values, 'unit');
    if (unit !== undefined && !/^\d{6}$/.test(unit)) throw new UsageError(`--unit takes a six-digit unit code (see data/reference/units.csv), got "${unit}"`);
    const outDir = resolve(stringOption(values, 'out') ?? join(dirname(dbPath), unit ? `site-${unit}` : 'site'));
    if (action === 'build') {
      const snapshot = readLatestSnapshot(dbPath);
      if (!snapshot) throw new Error('no published snapshot yet: run `safecampus run` (or `npm start`) first');
      let progress: { phase: string; bar: Progress } | null = null;
      const site = await buildSite({
        snapshotPath: snapshot.path,
        outDir,
        unit,
        onProgress: (phase, done, total, detail) => {
          if (progress?.phase !== phase) {
            progress?.bar.finish();
            progress = { phase, bar: startProgress(context, 'site', total, phase === 'data' ? '数据文件 data files' : '页面 pages') };
          }
          progress.bar.update(done, detail);
        },
      }).finally(() => progress?.bar.finish());
      context.say(`built ${site.pages.length} page(s) from snapshot ${snapshot.snapshot_id} into ${site.outDir} in ${(site.durationMs / 1000).toFixed(1)} s`);
      return site;
    }
    if (!existsSync(join(outDir, 'index.html'))) throw new Error(`no built site in ${outDir}: run \`safecampus dashboards build\` first`);
    const server = await serveStatic(outDir, integerOption(values, 'port', 3000, 1));
    context.say(`serving ${outDir} at ${server.origin}/ — Ctrl-C to stop`);
    await new Promise<void>((done) => process.once('SIGINT', () => done()));
    await server.close();
    return { origin: server.origin };
  },
};
