/**
 * `safecampus weights --method ahp|entropy|topsis --input FILE [--json]`: run one weighting
 * or ranking method on a small JSON file, for analysts checking a pairwise matrix or trying
 * weights before they go into the definition file.
 */
import { readFileSync } from 'node:fs';
import { stringOption, UsageError, type Command, type CommandContext } from '../command.ts';
import { ahpWeights, parseJudgement } from '../../transforms/weighting/ahp.ts';
import { checkDecisionMatrix, WeightingInputError, type Direction } from '../../transforms/weighting/common.ts';
import { entropyWeights, type EntropyNormalization } from '../../transforms/weighting/entropy.ts';
import { topsis, type TopsisNormalization } from '../../transforms/weighting/topsis.ts';

const METHODS = ['ahp', 'entropy', 'topsis'] as const;
type Method = (typeof METHODS)[number];

const KEYS: Record<Method, string[]> = {
  ahp: ['labels', 'matrix'],
  entropy: ['matrix', 'directions', 'normalization', 'shift', 'labels'],
  topsis: ['matrix', 'weights', 'directions', 'normalization', 'labels', 'alternatives'],
};

/** The file was read but its content is not what the method needs (exit 1). */
class InputFileError extends Error {}

export const weightsCommand: Command = {
  name: 'weights',
  summary: 'AHP / entropy weights or a TOPSIS ranking from a JSON file',
  usage: '--method ahp|entropy|topsis --input FILE',
  help: [
    ['--method M', 'ahp (pairwise matrix → weights, CR), entropy (decision matrix → weights) or topsis (→ scores, ranks)'],
    ['--input FILE', 'JSON: AHP {"labels":[…],"matrix":[[…]]}; entropy {"matrix":[[…]],"directions":["max"|"min",…]}; ' +
      'TOPSIS adds "weights":[…] and "normalization":"vector"|"minmax"'],
  ],
  options: { method: { type: 'string' }, input: { type: 'string' } },
  async run(values, _positionals, context) {
    const method = stringOption(values, 'method');
    if (method === undefined) throw new UsageError('give --method ahp, entropy or topsis');
    if (!(METHODS as readonly string[]).includes(method)) throw new UsageError(`--method must be ahp, entropy or topsis; got "${method}"`);
    const file = stringOption(values, 'input');
    if (file === undefined) throw new UsageError('give --input FILE (a JSON file with the matrix)');

    const input = readInput(file, method as Method);
    try {
      switch (method as Method) {
        case 'ahp':
          return runAhp(input, context);
        case 'entropy':
          return runEntropy(input, context);
        case 'topsis':
          return runTopsis(input, context);
      }
    } catch (error) {
      if (error instanceof WeightingInputError) throw new InputFileError(`${file}: ${error.message}`);
      throw error;
    }
  },
};

function readInput(file: string, method: Method): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new InputFileError(`cannot read --input ${file}: ${why}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InputFileError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputFileError(`${file} must hold a JSON object such as {"matrix": [[…]]}`);
  }
  const input = parsed as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !KEYS[method].includes(k));
  if (unknown.length) {
    throw new InputFileError(`${file}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} for --method ${method} (expected ${KEYS[method].join(', ')})`);
  }
  if (!('matrix' in input)) throw new InputFileError(`${file}: "matrix" is missing`);
  for (const key of method === 'topsis' ? ['weights', 'directions'] : method === 'entropy' ? ['directions'] : []) {
    if (!(key in input)) throw new InputFileError(`${file}: "${key}" is missing (--method ${method} needs it)`);
  }
  return input;
}

function optionalLabels(input: Record<string, unknown>, key: string, count: number): string[] | undefined {
  const labels = input[key];
  if (labels === undefined) return undefined;
  if (!Array.isArray(labels) || labels.length !== count || labels.some((l) => typeof l !== 'string')) {
    throw new WeightingInputError(`"${key}" must be an array of ${count} strings`);
  }
  return labels as string[];
}

function runAhp(input: Record<string, unknown>, context: CommandContext) {
  const raw = input.matrix;
  // Judgements may be numbers or fraction strings ("1/3"); anything else is reported by the check.
  const matrix = Array.isArray(raw)
    ? raw.map((row: unknown) => (Array.isArray(row) ? row.map((v: unknown) => (typeof v === 'string' && Number.isFinite(parseJudgement(v)) ? parseJudgement(v) : v)) : row))
    : raw;
  const n = Array.isArray(matrix) ? matrix.length : 0;
  const labels = input.labels === undefined ? undefined : (input.labels as string[]);
  const result = ahpWeights(matrix as number[][], labels);
  const names = labels ?? Array.from({ length: n }, (_, i) => `C${i + 1}`);
  context.say('层次分析法 AHP — 特征向量法 principal eigenvector');
  table(
    context,
    ['#', '指标 criterion', '权重 weight'],
    result.weights.map((w, i) => [String(i + 1), names[i], w.toFixed(4)]),
  );
  const verdict = n <= 2 ? '1×1/2×2 矩阵总是一致 always consistent' : '通过一致性检验 consistent (CR ≤ 0.10)';
  context.say(`λmax = ${result.lambdaMax.toFixed(4)}   CI = ${result.ci.toFixed(4)}   CR = ${result.cr.toFixed(4)}   ${verdict}`);
  return { weights: result.weights, lambda_max: result.lambdaMax, ci: result.ci, cr: result.cr };
}

function runEntropy(input: Record<string, unknown>, context: CommandContext) {
  const matrix = input.matrix as number[][];
  const normalization = (input.normalization ?? 'minmax') as EntropyNormalization;
  const shift = input.shift as number | undefined;
  const { n } = checkDecisionMatrix(matrix, 'matrix', 2);
  const labels = optionalLabels(input, 'labels', n);
  const result = entropyWeights(matrix, input.directions as Direction[], { normalization, shift, labels });
  for (const note of result.notes) context.stderr.write(`note: ${note}\n`);
  const names = labels ?? Array.from({ length: n }, (_, j) => `C${j + 1}`);
  context.say(`熵权法 entropy weights — ${normalization === 'sum' ? '比重法 raw shares' : '极差标准化 min–max'} normalisation`);
  table(
    context,
    ['#', '指标 criterion', '方向 direction', '熵值 entropy', '权重 weight'],
    result.weights.map((w, j) => [
      String(j + 1),
      names[j],
      (input.directions as Direction[])[j] === 'max' ? '越大越好 max' : '越小越好 min',
      result.entropies[j].toFixed(4),
      w.toFixed(4),
    ]),
  );
  return { weights: result.weights };
}

function runTopsis(input: Record<string, unknown>, context: CommandContext) {
  const matrix = input.matrix as number[][];
  const normalization = (input.normalization ?? 'vector') as TopsisNormalization;
  const { m, n } = checkDecisionMatrix(matrix, 'matrix', 1);
  optionalLabels(input, 'labels', n);
  const result = topsis(matrix, input.weights as number[], input.directions as Direction[], normalization);
  const names = optionalLabels(input, 'alternatives', m) ?? Array.from({ length: m }, (_, i) => `A${i + 1}`);
  context.say(`TOPSIS 逼近理想解排序法 — ${normalization === 'vector' ? '向量归一化 vector' : '极差归一化 min–max'} normalisation`);
  const rows = result.scores.map((score, i) => ({ i, score, rank: result.ranks[i] })).sort((a, b) => a.rank - b.rank || a.i - b.i);
  table(
    context,
    ['排名 rank', '方案 alternative', '贴近度 closeness'],
    rows.map((r) => [String(r.rank), names[r.i], r.score.toFixed(4)]),
  );
  return { scores: result.scores, ranks: result.ranks };
}

/** Display width: CJK characters take two columns in a terminal. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

function table(context: CommandContext, header: string[], rows: string[][]) {
  const widths = header.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c]))));
  const line = (cells: string[]) => cells.map((cell, c) => cell + ' '.repeat(widths[c] - width(cell))).join('  ').trimEnd();
  context.say(line(header));
  context.say(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of rows) context.say(line(row));
}
