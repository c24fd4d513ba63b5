// A minimal writer of POSIX ustar archives (regular files only), for loaders that emit
// many files in one run: Framework extracts the members a build asks for from a
// `*.tar` loader's output (src/data/schools.tar.ts). Deterministic: fixed mode, owner
// and time, so the same input gives the same bytes. And a minimal reader of the same
// format (files and folders), for the archives the bundled browser ships in
// (reports/browser.ts).
const BLOCK = 512;

export interface TarEntry {
  /** Path inside the archive: ASCII, at most 100 bytes, no leading "/" or "..". */
  name: string;
  data: Uint8Array;
}

function field(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, length, 'ascii');
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

function headerOf({ name, data }: TarEntry): Buffer {
  if (!/^[\x21-\x7e]{1,100}$/.test(name) || name.startsWith('/') || name.split('/').includes('..')) {
    throw new Error(`tar entry name ${JSON.stringify(name)} must be 1–100 printable ASCII characters, relative, without ".."`);
  }
  if (data.length >= 8 ** 11) throw new Error(`tar entry ${name} is ${data.length} bytes: too large for an ustar header`);
  const header = Buffer.alloc(BLOCK);
  field(header, 0, 100, name);
  field(header, 100, 8, octal(0o644, 8));
  field(header, 108, 8, octal(0, 8));
  field(header, 116, 8, octal(0, 8));
  field(header, 124, 12, octal(data.length, 12));
  field(header, 136, 12, octal(0, 12));
  field(header, 148, 8, ' '.repeat(8));
  field(header, 156, 1, '0');
  field(header, 257, 8, 'ustar\x0000');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

/** The archive holding `entries` in order. */
export function tarArchive(entries: TarEntry[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    parts.push(headerOf(entry), entry.data);
    const padding = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
    if (padding) parts.push(Buffer.alloc(padding));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/** A member read back: its path inside the archive, its bytes and whether it is executable. */
export interface TarMember extends TarEntry {
  executable: boolean;
}

function text(header: Buffer, offset: number, length: number): string {
  const end = header.indexOf(0, offset);
  return header.toString('utf8', offset, end === -1 || end > offset + length ? offset + length : end);
}

/**
 * The regular files of an ustar archive, in order (folders are implied by the paths). Throws on
 * what it cannot read faithfully — links, GNU long names, pax headers, a bad checksum, a path
 * that is absolute or climbs out with "..".
 */
export function readTar(archive: Uint8Array): TarMember[] {
  const bytes = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const members: TarMember[] = [];
  for (let at = 0; at + BLOCK <= bytes.length; ) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    if (Number.parseInt(text(header, 148, 8).trim(), 8) !== sum) throw new Error(`tar header at byte ${at} has a bad checksum: not a tar archive, or a damaged one`);
    const prefix = text(header, 257, 6) === 'ustar' ? text(header, 345, 155) : '';
    const name = (prefix ? `${prefix}/` : '') + text(header, 0, 100);
    const size = Number.parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    if (name.startsWith('/') || name.split('/').includes('..')) throw new Error(`tar member ${JSON.stringify(name)} would land outside the folder it is read into`);
    at += BLOCK;
    if (type === '0' || type === '\0') {
      const mode = Number.parseInt(text(header, 100, 8).trim() || '0', 8);
      members.push({ name, data: bytes.subarray(at, at + size), executable: (mode & 0o111) !== 0 });
    } else if (type !== '5') {
      throw new Error(`tar member ${JSON.stringify(name)} is of type ${JSON.stringify(type)}: only files and folders are read`);
    }
    at += Math.ceil(size / BLOCK) * BLOCK;
  }
  return members;
}
