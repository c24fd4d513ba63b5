/**
 * Typed access is only worth having if a changed model breaks the code that reads it at
 * compile time. This compiles the project's readers (every file that builds a Kysely query)
 * against altered copies of warehouse/schema.generated.ts — every column renamed, one column
 * dropped — and checks that `tsc` reports errors in each reader, while the real file compiles
 * clean. A reader that went back to a raw SQL string with a hand-written row type would compile
 * against the altered schema and fail this test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SCHEMA = join(ROOT, 'warehouse/schema.generated.ts');
const SOURCE_DIRS = ['cli', 'workflows', 'reports', 'dashboards/lib', 'dashboards/src/data', 'transforms', 'sources', 'warehouse'];

/** Files that query the warehouse or a snapshot through Kysely. */
function readerFiles(): string[] {
  const files = SOURCE_DIRS.flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(ROOT, dir, f)),
  );
  return files.filter((f) => f !== join(ROOT, 'warehouse/kysely.ts') && /\.selectFrom\(/.test(readFileSync(f, 'utf8'))).sort();
}

/** The readers that must stay typed: a scan that stops finding one of them is a broken scan. */
const EXPECTED_READERS = [
  'cli/commands/status.ts',
  'dashboards/lib/health.ts',
  'dashboards/lib/periods.ts',
  'dashboards/lib/snapshot.ts',
  'dashboards/src/data/alerts.json.gz.ts',
  'dashboards/src/data/appraisal.json.ts',
  'dashboards/src/data/failing.json.gz.ts',
  'dashboards/src/data/hazards.json.gz.ts',
  'dashboards/src/data/incidents.json.gz.ts',
  'dashboards/src/data/overview.json.ts',
  'dashboards/src/data/programmes.json.gz.ts',
  'dashboards/src/data/quality.json.ts',
  'dashboards/src/data/schools.tar.ts',
  'dashboards/src/data/units/[unit].json.gz.ts',
  'reports/appraisal/data.ts',
  'reports/assessment/data.ts',
  'reports/source.ts',
  'sources/ingest.ts',
  'transforms/definitions/snapshot-edition.ts',
  'transforms/periods.ts',
  'transforms/runner.ts',
  'transforms/scorecards.ts',
  'transforms/weighting/methods.ts',
  'warehouse/appraisals.ts',
  'warehouse/publication.ts',
  'workflows/inputs.ts',
  'workflows/steps.ts',
];

/** Every column of every table interface renamed (`score` → `score_renamed`); the `Database` map untouched. */
function renameEveryColumn(schema: string): string {
  return schema.replace(/^export interface (?!Database\b)\w+ \{\n[\s\S]*?^\}/gm, (block) => block.replace(/^ {2}(\w+):/gm, '  $1_renamed:'));
}

/** One column dropped from one table. */
function dropColumn(schema: string, table: string, column: string): string {
  const block = new RegExp(`^export interface ${table} \\{\\n[\\s\\S]*?^\\}`, 'm');
  const altered = schema.replace(block, (text) => text.replace(new RegExp(`^ {2}${column}: .*\\n`, 'm'), ''));
  if (altered === schema) throw new Error(`no column ${table}.${column} in the generated schema`);
  return altered;
}

const options: ts.CompilerOptions = (() => {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options;
})();

/** Parsed files shared by the three compilations, so each parses only the schema it is given. */
const parsed = new Map<string, ts.SourceFile | undefined>();

let previous: ts.Program | undefined;

/**
 * The files with compile errors when schema.generated.ts reads as `schema`, with their first
 * message: every file the compilation of `files` reaches, or (`only`) just `files`, checked only as
 * far as they use the others — a third of the time.
 */
function filesWithErrors(files: string[], schema: string, only?: 'only'): Map<string, string> {
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === SCHEMA ? schema : readFile(name));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError) =>
    name === SCHEMA ? ts.createSourceFile(name, schema, version) : parsed.get(name) ?? parsed.set(name, getSourceFile(name, version, onError)).get(name);
  const program = ts.createProgram({ rootNames: files, options, host, oldProgram: previous });
  previous = program;
  const errors = new Map<string, string>();
  const diagnostics = only
    ? files.map((file) => program.getSourceFile(file)!).flatMap((source) => [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)])
    : ts.getPreEmitDiagnostics(program);
  for (const diagnostic of diagnostics) {
    if (!diagnostic.file) continue;
    const file = relative(ROOT, diagnostic.file.fileName);
    if (!errors.has(file)) errors.set(file, ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n').split('\n')[0]);
  }
  return errors;
}

describe('the readers are typed by the generated schema', () => {
  const readers = readerFiles();
  const schema = readFileSync(SCHEMA, 'utf8');

  it('finds every reader that must stay typed', () => {
    expect(readers.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(EXPECTED_READERS));
  });

  it('compiles clean against the schema as generated', () => {
    expect(Object.fromEntries(filesWithErrors(readers, schema))).toEqual({});
  }, 120_000);

  it('fails to compile in every reader when the columns are renamed', () => {
    const altered = renameEveryColumn(schema);
    expect(altered).toContain('  school_code_renamed: string;');
    const errors = filesWithErrors(readers, altered, 'only');
    const clean = readers.map((f) => relative(ROOT, f)).filter((f) => !errors.has(f));
    expect(clean).toEqual([]);
  }, 120_000);

  it('fails to compile in each reader of a dropped column', () => {
    // marts.unit_scorecard.supervision_score: the appraisal's tables, the method comparison, `safecampus score`
    const affected = ['dashboards/src/data/appraisal.json.ts', 'reports/appraisal/data.ts', 'transforms/scorecards.ts', 'transforms/weighting/methods.ts'];
    const errors = filesWithErrors(
      affected.map((f) => join(ROOT, f)),
      dropColumn(schema, 'MartsUnitScorecard', 'supervision_score'),
      'only',
    );
    expect([...errors.keys()].sort()).toEqual(affected);
    expect(errors.get('transforms/weighting/methods.ts')).toMatch(/supervision_score/);
  }, 120_000);
});
