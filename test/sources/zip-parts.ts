/**
 * Zips and workbooks made part by part, for what no writer produces: parts in a chosen order,
 * cells without references, a cell of many megabytes, a zip bomb. Shared by the XLSX reader
 * test, the malformed-input corpus and the reader's bench.
 */
import { writeFileSync } from 'node:fs';
import { constants, crc32, deflateRawSync } from 'node:zlib';

/** A part already deflated (raw deflate), with the size and CRC-32 of what it inflates to. */
export interface DeflatedPart {
  deflated: Buffer;
  size: number;
  crc: number;
}

/** A part deflated whole (a worksheet with its own prolog, say), ready for `handMadeWorkbook` or `zipBytes`. */
export function deflated(content: string | Buffer | DeflatedPart): DeflatedPart {
  if (typeof content === 'object' && 'deflated' in content) return content;
  const data = Buffer.from(content);
  return { deflated: deflateRawSync(data), size: data.length, crc: crc32(data) };
}

/**
 * `head`, then `unit` repeated `times` times, then `tail`, deflated without ever holding
 * the whole: the repeats are one compressed block each (flushed so it stands alone), so a
 * gigabyte of the same text costs about a megabyte — a zip bomb, or just a huge cell.
 */
export function repeatedPart(head: string, unit: string, times: number, tail: string): DeflatedPart {
  const block = Buffer.from(unit);
  const full = { finishFlush: constants.Z_FULL_FLUSH };
  const parts = [deflateRawSync(head, full)];
  const repeated = deflateRawSync(block, full);
  let crc = crc32(head);
  for (let i = 0; i < times; i++) {
    parts.push(repeated);
    crc = crc32(block, crc);
  }
  parts.push(deflateRawSync(tail));
  return { deflated: Buffer.concat(parts), size: Buffer.byteLength(head) + block.length * times + Buffer.byteLength(tail), crc: crc32(tail, crc) };
}

/** A zip of the given parts in the given order, each deflated. */
export function zipBytes(parts: [string, string | Buffer | DeflatedPart][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of parts) {
    const { deflated: packed, size, crc } = deflated(content);
    const fileName = Buffer.from(name, 'utf8');
    const fields = (header: Buffer, at: number) => {
      header.writeUInt16LE(8, at); // deflate
      header.writeUInt32LE(crc, at + 6);
      header.writeUInt32LE(packed.length, at + 10);
      header.writeUInt32LE(size % 2 ** 32, at + 14);
      header.writeUInt16LE(fileName.length, at + 18);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    fields(local, 8);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    fields(central, 10);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, packed);
    centrals.push(central, fileName);
    offset += 30 + fileName.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The signature of a central directory record. */
export const CENTRAL_RECORD = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

/** The same zip, its end record saying "see the ZIP64 record", which holds the real numbers. */
export function asZip64(zip: Buffer): Buffer {
  const end = Buffer.from(zip.subarray(zip.length - 22));
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(end.readUInt16LE(10)), 24);
  record.writeBigUInt64LE(BigInt(end.readUInt16LE(10)), 32);
  record.writeBigUInt64LE(BigInt(end.readUInt32LE(12)), 40);
  record.writeBigUInt64LE(BigInt(end.readUInt32LE(16)), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(zip.length - 22), 8);
  locator.writeUInt32LE(1, 16);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([zip.subarray(0, zip.length - 22), record, locator, end]);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export interface HandMadeWorkbook {
  /** [name, sheetData inner XML, or a whole worksheet part already deflated]. */
  sheets: [string, string | DeflatedPart][];
  /** Shared strings, each an `<si>` element, or the whole part already deflated. */
  shared?: string[] | DeflatedPart;
  /** The styles part's inner XML. */
  styles?: string;
  date1904?: boolean;
  /** These parts first, in this order (the others after). */
  order?: string[];
}

/** The opening and closing of a worksheet part around its sheetData's inner XML. */
export const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8"?>\r\n<worksheet xmlns="${MAIN}"><sheetData>`;
export const SHEET_TAIL = '</sheetData></worksheet>';
/** The same for the shared strings part around its `<si>` elements. */
export const SST_HEAD = `<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="${MAIN}">`;
export const SST_TAIL = '</sst>';

/** The bytes of a hand-made workbook. */
export function handMadeWorkbook(options: HandMadeWorkbook): Buffer {
  const parts = new Map<string, string | DeflatedPart>([
    ['[Content_Types].xml', `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`],
    [
      'xl/workbook.xml',
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${REL}">${options.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets>` +
        options.sheets.map(([name], i) => `<sheet name="${name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
        '</sheets></workbook>',
    ],
    [
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        options.sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
        '</Relationships>',
    ],
    ['xl/sharedStrings.xml', Array.isArray(options.shared) || !options.shared ? `${SST_HEAD}${(options.shared ?? []).join('')}${SST_TAIL}` : options.shared],
  ]);
  if (options.styles) parts.set('xl/styles.xml', `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${MAIN}">${options.styles}</styleSheet>`);
  options.sheets.forEach(([, data], i) => parts.set(`xl/worksheets/sheet${i + 1}.xml`, typeof data === 'string' ? `${SHEET_HEAD}${data}${SHEET_TAIL}` : data));
  const order = options.order ?? [];
  return zipBytes([...order.map((name): [string, string | DeflatedPart] => [name, parts.get(name)!]), ...[...parts].filter(([name]) => !order.includes(name))]);
}

export function writeHandMadeWorkbook(path: string, options: HandMadeWorkbook): void {
  writeFileSync(path, handMadeWorkbook(options));
}
