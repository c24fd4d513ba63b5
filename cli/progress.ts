/**
 * Progress of a long step: on a terminal one live line on stderr (done of total, what is being
 * done, elapsed time and an estimate of the time left), cleared when the step ends; elsewhere a
 * plain line every few seconds through `say`, so a log shows the step moving and stdout stays
 * the command's output (nothing with --json).
 */
import { SingleBar } from 'cli-progress';
import type { CommandContext } from './command.ts';

export interface Progress {
  /** `done` of the total so far; `detail` says what (a file, rows and rate, a model). */
  update(done: number, detail?: string): void;
  /** The step ended: the terminal line is cleared (the command prints its own summary). */
  finish(): void;
}

/** Off a terminal, a progress line at most this often. */
const LOG_EVERY_MS = 5000;

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

export function startProgress(context: CommandContext, label: string, total: number, unit: string): Progress {
  const started = performance.now();
  const timing = (done: number) => {
    const elapsed = (performance.now() - started) / 1000;
    const left = done > 0 && done < total ? ` · 约剩 ~${clock((elapsed / done) * (total - done))}` : '';
    return `${clock(elapsed)}${left}`;
  };
  const stream = context.stderr as NodeJS.WriteStream;
  if (stream.isTTY && !context.json) {
    const bar = new SingleBar({
      stream,
      format: `${label} [{bar}] {value}/{total} ${unit} · {timing} {detail}`,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 24,
    });
    bar.start(total, 0, { detail: '', timing: timing(0) });
    return {
      update: (done, detail = '') => bar.update(done, { detail, timing: timing(done) }),
      finish: () => bar.stop(),
    };
  }
  let lastLog = performance.now();
  return {
    update(done, detail = '') {
      if (performance.now() - lastLog < LOG_EVERY_MS || done >= total) return;
      lastLog = performance.now();
      context.say(`${label}: ${done}/${total} ${unit} · ${timing(done)}${detail ? ` · ${detail}` : ''}`);
    },
    finish() {},
  };
}
