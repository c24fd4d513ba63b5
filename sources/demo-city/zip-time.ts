/**
 * exceljs zips each part of an XLSX with the current time (in the machine's zone), so
 * the same workbook written twice differs. This stamps one fixed time on every entry, in
 * place: the central directory (at the end of the file) says where each local header is.
 */
import { open } from 'node:fs/promises';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

function dosDateTime(date: Date): { time: number; day: number } {
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    day: ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

export async function fixZipTimestamps(path: string, stamp: Date): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const { size } = await file.stat();
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${path}: no zip end-of-central-directory record`);
    const entries = tail.readUInt16LE(eocd + 10);
    const directorySize = tail.readUInt32LE(eocd + 12);
    const directoryOffset = tail.readUInt32LE(eocd + 16);
    const directory = Buffer.alloc(directorySize);
    await file.read(directory, 0, directorySize, directoryOffset);

    const { time, day } = dosDateTime(stamp);
    const stampBytes = Buffer.alloc(4);
    stampBytes.writeUInt16LE(time, 0);
    stampBytes.writeUInt16LE(day, 2);
    const header = Buffer.alloc(4);
    let p = 0;
    for (let e = 0; e < entries; e++) {
      if (directory.readUInt32LE(p) !== CENTRAL_ENTRY) throw new Error(`${path}: unexpected zip central directory layout`);
      stampBytes.copy(directory, p + 12);
      const localOffset = directory.readUInt32LE(p + 42);
      await file.read(header, 0, 4, localOffset);
      if (header.readUInt32LE(0) !== LOCAL_HEADER) throw new Error(`${path}: zip local header not where the directory says`);
      await file.write(stampBytes, 0, 4, localOffset + 10);
      p += 46 + directory.readUInt16LE(p + 28) + directory.readUInt16LE(p + 30) + directory.readUInt16LE(p + 32);
    }
    await file.write(directory, 0, directorySize, directoryOffset);
  } finally {
    await file.close();
  }
}
