// A minimal writer of POSIX ustar archives (regular files only), for loaders that emit
// many files in one run: Framework extracts the members a build asks for from a
// `*.tar` loader's output (src/data/schools.tar.ts). Deterministic: fixed mode, owner
// and time, so the same input gives the same bytes.
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
