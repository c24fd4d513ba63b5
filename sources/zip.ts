/**
 * The central directory of a zip file (an XLSX workbook is one): where each entry is, how it
 * is stored, and where its record sits in the directory. Read by the XLSX reader and by the
 * demo generator, which stamps a fixed time on the workbooks it writes.
 */
import type { FileHandle } from 'node:fs/promises';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** Where the entry's local header starts in the file. */
  localOffset: number;
  /** Where the entry's record starts in `directory`. */
  recordAt: number;
}

export interface ZipDirectory {
  directory: Buffer;
  /** Where the directory starts in the file. */
  directoryOffset: number;
  entries: ZipEntry[];
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
export const LOCAL_HEADER = 0x04034b50;

export async function readZipDirectory(file: FileHandle): Promise<ZipDirectory> {
  const { size } = await file.stat();
  // the end record is 22 bytes plus a comment of at most 65,535
  const tailSize = Math.min(size, 65_557);
  const tail = Buffer.alloc(tailSize);
  await file.read(tail, 0, tailSize, size - tailSize);
  let end = -1;
  for (let i = tailSize - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = tail.readUInt16LE(end + 10);
  const directorySize = tail.readUInt32LE(end + 12);
  const directoryOffset = tail.readUInt32LE(end + 16);
  if (directoryOffset === 0xffffffff || count === 0xffff) throw new Error('ZIP64 archives are not supported');
  const directory = Buffer.alloc(directorySize);
  await file.read(directory, 0, directorySize, directoryOffset);
  const entries: ZipEntry[] = [];
  for (let p = 0, n = 0; n < count; n++) {
    if (p + 46 > directory.length || directory.readUInt32LE(p) !== CENTRAL_ENTRY) throw new Error('corrupt zip central directory');
    const nameLength = directory.readUInt16LE(p + 28);
    entries.push({
      name: directory.toString('utf8', p + 46, p + 46 + nameLength),
      method: directory.readUInt16LE(p + 10),
      compressedSize: directory.readUInt32LE(p + 20),
      localOffset: directory.readUInt32LE(p + 42),
      recordAt: p,
    });
    p += 46 + nameLength + directory.readUInt16LE(p + 30) + directory.readUInt16LE(p + 32);
  }
  return { directory, directoryOffset, entries };
}
