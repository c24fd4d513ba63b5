/**
 * exceljs zips each part of an XLSX with the current time (in the machine's zone), so
 * the same workbook written twice differs. This stamps one fixed time on every entry, in
 * place: the central directory (at the end of the file) says where each local header is.
 */
import { open } from 'node:fs/promises';
import { LOCAL_HEADER, readZipDirectory } from '../sources/zip.ts';

function dosDateTime(date: Date): { time: number; day: number } {
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    day: ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

export async function fixZipTimestamps(path: string, stamp: Date): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const { directory, directoryOffset, entries } = await readZipDirectory(file);
    const { time, day } = dosDateTime(stamp);
    const stampBytes = Buffer.alloc(4);
    stampBytes.writeUInt16LE(time, 0);
    stampBytes.writeUInt16LE(day, 2);
    const header = Buffer.alloc(4);
    for (const { recordAt, localOffset } of entries) {
      stampBytes.copy(directory, recordAt + 12);
      await file.read(header, 0, 4, localOffset);
      if (header.readUInt32LE(0) !== LOCAL_HEADER) throw new Error(`${path}: zip local header not where the directory says`);
      await file.write(stampBytes, 0, 4, localOffset + 10);
    }
    await file.write(directory, 0, directory.length, directoryOffset);
  } finally {
    await file.close();
  }
}
