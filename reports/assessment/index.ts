/**
 * writeAssessmentReports: 评估报告 HTML + PDF for a school, a unit, or a unit and every one of
 * its schools, from one snapshot (read-only) and one Chromium for all the PDFs.
 */
import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { writePage } from '../html.ts';
import { openPrinter } from '../pdf.ts';
import { fileSha256, openSnapshot } from '../source.ts';
import { readAssessmentData, type Subject } from './data.ts';
import { assessmentHtml } from './html.ts';

export type { Subject } from './data.ts';

export interface AssessmentOptions {
  snapshotPath: string;
  period: string;
  subject: Subject;
  /** With a unit subject: also one report per school of the unit. */
  allSchools?: boolean;
  outDir: string;
}

export interface AssessmentFile {
  subject: Subject;
  html: string;
  pdf: string;
  /** The period's as-of day, which dates the PDF. */
  asOfDay: string;
}

export async function writeAssessmentReports(options: AssessmentOptions): Promise<AssessmentFile[]> {
  const snapshotPath = resolve(options.snapshotPath);
  const snapshotSha256 = await fileSha256(snapshotPath);
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const db = await openSnapshot(snapshotPath);
  const written: AssessmentFile[] = [];
  try {
    const subjects: Subject[] = [options.subject];
    const first = await readAssessmentData(db, { period: options.period, subject: options.subject, snapshotFile: basename(snapshotPath), snapshotSha256 });
    if (options.allSchools && options.subject.kind === 'unit') {
      for (const s of [...first.schools].sort((a, b) => a.school_code.localeCompare(b.school_code))) subjects.push({ kind: 'school', code: s.school_code });
    }
    for (const subject of subjects) {
      const data = subject === options.subject ? first : await readAssessmentData(db, { period: options.period, subject, snapshotFile: basename(snapshotPath), snapshotSha256 });
      const name = join(outDir, `report-${subject.code}-${options.period}`);
      await writePage(`${name}.html`, assessmentHtml(data));
      written.push({ subject, html: `${name}.html`, pdf: `${name}.pdf`, asOfDay: data.period.as_of_on });
    }
  } finally {
    db.close();
  }
  const printer = await openPrinter();
  try {
    for (const file of written) await printer.print(file.html, file.pdf, file.asOfDay);
  } finally {
    await printer.close();
  }
  return written;
}
