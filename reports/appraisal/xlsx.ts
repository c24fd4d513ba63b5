/**
 * ranking.xlsx through exceljs: one sheet per ranking table; with a title, a title row above the
 * Chinese headers, and both repeated at the top of every printed page (A4 landscape, one page
 * wide); the header row frozen, number formats per column, codes stored as text (a 10-digit school code must not
 * turn into a number). Deterministic: the workbook's created/modified dates are the period's
 * cut-off day and the zip entries' DOS timestamps are fixed, so the same tables give the
 * same bytes.
 */
import ExcelJS from 'exceljs';
import type { CellFormat, RankingTable } from './tables.ts';

const NUMBER_FORMAT: Record<CellFormat, string> = { text: '@', integer: '0', score: '0.00' };

export async function xlsxBytes(tables: RankingTable[], asOfDay: string, title?: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const fixed = new Date(`${asOfDay}T00:00:00Z`);
  workbook.creator = 'safecampus';
  workbook.lastModifiedBy = 'safecampus';
  workbook.created = fixed;
  workbook.modified = fixed;
  const headerRow = title ? 2 : 1;
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name, {
      views: [{ state: 'frozen', ySplit: headerRow, xSplit: 0 }],
      pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `1:${headerRow}` },
    });
    sheet.columns = table.columns.map((c) => ({ width: c.width, style: { numFmt: NUMBER_FORMAT[c.format] } }));
    if (title) {
      sheet.addRow([`${title} · ${table.name}`]);
      sheet.mergeCells(1, 1, 1, table.columns.length);
      const titleRow = sheet.getRow(1);
      titleRow.font = { bold: true, size: 14 };
      titleRow.alignment = { vertical: 'middle', horizontal: 'center' };
      titleRow.height = 24;
    }
    sheet.addRow(table.columns.map((c) => c.header));
    for (const row of table.rows) sheet.addRow(row.map((v, i) => (v === null || table.columns[i].format !== 'text' ? v : String(v))));
    const header = sheet.getRow(headerRow);
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', wrapText: true };
    sheet.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow, column: table.columns.length } };
  }
  const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
  return fixZipTimestamps(bytes);
}

// zip records: local file header and central directory entry, and where their DOS time/date sit
const LOCAL = { signature: 0x04034b50, time: 10, nameLength: 26, extraLength: 28, size: 18, header: 30 };
const CENTRAL = { signature: 0x02014b50, time: 12, nameLength: 28, extraLength: 30, commentLength: 32, header: 46 };
/** 1980-01-01 00:00:00, the earliest DOS date. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** Sets every entry's modification time to the fixed DOS epoch (the zip writer stamps the current time). */
export function fixZipTimestamps(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  let offset = 0;
  while (offset + 4 <= out.length) {
    const signature = out.readUInt32LE(offset);
    if (signature === LOCAL.signature) {
      out.writeUInt16LE(DOS_TIME, offset + LOCAL.time);
      out.writeUInt16LE(DOS_DATE, offset + LOCAL.time + 2);
      offset += LOCAL.header + out.readUInt16LE(offset + LOCAL.nameLength) + out.readUInt16LE(offset + LOCAL.extraLength) + out.readUInt32LE(offset + LOCAL.size);
    } else if (signature === CENTRAL.signature) {
      out.writeUInt16LE(DOS_TIME, offset + CENTRAL.time);
      out.writeUInt16LE(DOS_DATE, offset + CENTRAL.time + 2);
      offset +=
        CENTRAL.header + out.readUInt16LE(offset + CENTRAL.nameLength) + out.readUInt16LE(offset + CENTRAL.extraLength) + out.readUInt16LE(offset + CENTRAL.commentLength);
    } else {
      break; // end of central directory: nothing dated follows
    }
  }
  return out;
}
