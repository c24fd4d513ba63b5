/**
 * writeAppraisalReports: the official annual appraisal from a frozen snapshot — report.html,
 * report.pdf, ranking.xlsx, ranking.csv (units) and ranking-schools.csv — reading nothing but
 * the snapshot (read-only) and the definition file whose hash the snapshot recorded.
 * The appraisal workflow calls it after approval; `safecampus report --appraisal YEAR` too.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writePage } from '../html.ts';
import { openPrinter } from '../pdf.ts';
import { fileSha256, openSnapshot } from '../source.ts';
import { csvText } from './csv.ts';
import { readAppraisalData, type SignOff } from './data.ts';
import { appraisalHtml, appraisalTitle } from './html.ts';
import { schoolTable, unitTable } from './tables.ts';
import { xlsxBytes } from './xlsx.ts';

export type { SignOff } from './data.ts';

export interface AppraisalOptions {
  snapshotPath: string;
  year: number;
  outDir: string;
  signOff?: SignOff | null;
  /** The definition file, when it is no longer at the path the snapshot recorded (its sha256 must match). */
  definitionPath?: string;
}

export interface AppraisalFiles {
  html: string;
  pdf: string;
  xlsx: string;
  csv: string;
  schoolsCsv: string;
  snapshotSha256: string;
  definitionSha256: string;
}

export async function writeAppraisalReports(options: AppraisalOptions): Promise<AppraisalFiles> {
  const snapshotPath = resolve(options.snapshotPath);
  const snapshotSha256 = await fileSha256(snapshotPath);
  const db = await openSnapshot(snapshotPath);
  let data;
  try {
    data = await readAppraisalData(db, { year: options.year, snapshotPath, snapshotSha256, signOff: options.signOff ?? null, definitionPath: options.definitionPath });
  } finally {
    db.close();
  }
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const files = {
    html: join(outDir, 'report.html'),
    pdf: join(outDir, 'report.pdf'),
    xlsx: join(outDir, 'ranking.xlsx'),
    csv: join(outDir, 'ranking.csv'),
    schoolsCsv: join(outDir, 'ranking-schools.csv'),
  };
  const units = unitTable(data);
  const schools = schoolTable(data);
  await writePage(files.html, appraisalHtml(data));
  await writeFile(files.csv, csvText(units));
  await writeFile(files.schoolsCsv, csvText(schools));
  await writeFile(files.xlsx, await xlsxBytes([units, schools], data.period.as_of_on, appraisalTitle(data.year, data.cityName)));
  const printer = await openPrinter();
  try {
    await printer.print(files.html, files.pdf, data.period.as_of_on);
  } finally {
    await printer.close();
  }
  return { ...files, snapshotSha256, definitionSha256: data.edition.definition_sha256 };
}
