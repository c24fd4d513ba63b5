// A machine's own CJK font, for a browser test: the Chinese part of Noto Sans SC from the npm
// package (its WOFF file unpacked to the plain TrueType a system font is), installed for one
// browser under the family name a reader's system would give it (e.g. "Microsoft YaHei" on the
// bureau's Windows machines) through fontconfig — so a test can show a page with and without a
// system CJK font on any machine, whatever fonts that machine really has.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

const WOFF = createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-400-normal.woff');

/** The TrueType font a WOFF 1.0 file wraps (W3C WOFF: a table directory of zlib-compressed sfnt tables). */
function unwrapWoff(woff: Buffer): Buffer {
  if (woff.toString('latin1', 0, 4) !== 'wOFF') throw new Error('not a WOFF 1.0 file');
  const count = woff.readUInt16BE(12);
  const tables = Array.from({ length: count }, (_, i) => {
    const entry = 44 + 20 * i;
    const [offset, compressed, length] = [woff.readUInt32BE(entry + 4), woff.readUInt32BE(entry + 8), woff.readUInt32BE(entry + 12)];
    const stored = woff.subarray(offset, offset + compressed);
    return { tag: woff.subarray(entry, entry + 4), checksum: woff.readUInt32BE(entry + 16), data: compressed < length ? inflateSync(stored) : stored };
  });
  const power = 2 ** Math.floor(Math.log2(count));
  const header = Buffer.alloc(12 + 16 * count);
  header.writeUInt32BE(woff.readUInt32BE(4), 0); // the sfnt flavour
  header.writeUInt16BE(count, 4);
  header.writeUInt16BE(power * 16, 6);
  header.writeUInt16BE(Math.log2(power), 8);
  header.writeUInt16BE(count * 16 - power * 16, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  tables.forEach(({ tag, checksum, data }, i) => {
    tag.copy(header, 12 + 16 * i);
    header.writeUInt32BE(checksum, 12 + 16 * i + 4);
    header.writeUInt32BE(offset, 12 + 16 * i + 8);
    header.writeUInt32BE(data.length, 12 + 16 * i + 12);
    const padding = (4 - (data.length % 4)) % 4;
    parts.push(data, Buffer.alloc(padding));
    offset += data.length + padding;
  });
  return Buffer.concat(parts);
}

/** Writes the font into `dir` and returns the fontconfig elements that install it as `family` (for launchChromium's `fontconfig`). */
export async function systemCjkFont(dir: string, family: string): Promise<string> {
  await writeFile(join(dir, 'system-cjk.ttf'), unwrapWoff(await readFile(WOFF)));
  return `<dir>${dir}</dir>
  <match target="scan"><test name="family"><string>Noto Sans SC Thin</string></test>
    <edit name="family" mode="assign" binding="same"><string>${family}</string></edit></match>`;
}
