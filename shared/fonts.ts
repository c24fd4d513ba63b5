// The bundled Chinese font: Noto Sans SC from the npm package @fontsource/noto-sans-sc, in
// the package's slices — one woff2 file per block of characters, each with the unicode-range
// it covers (101 per weight, about 35 KiB each) — so a page or a report loads only the
// slices its text needs. The reports print with it (reports/html.ts: the slices a report's
// text needs, copied beside it); the site falls back to it when the reader's system has no
// CJK font (build.ts: every slice of the regular weight under _fonts/).
//
// It is declared under its own family name, so it never shadows a font of the reader's
// system called "Noto Sans SC": a page's system fonts keep their place in front of it.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const BUNDLED_FONT_FAMILY = 'Bundled Noto Sans SC';

/** Regular and bold: what the reports use (a weight of 600 is drawn with the bold). */
export type FontWeight = 400 | 700;

export interface FontSlice {
  /** The woff2 file's name in the package's files/ folder. */
  file: string;
  weight: FontWeight;
  /** The unicode-range as the package states it (`U+4e00-4e8f,U+…`). */
  unicodeRange: string;
  /** The same, as inclusive code point ranges. */
  ranges: Array<[number, number]>;
}

const PACKAGE_DIR = dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/package.json'));
const FILES_DIR = join(PACKAGE_DIR, 'files');

const slicesByWeight = new Map<FontWeight, FontSlice[]>();

/** Every slice of a weight, read from the package's own stylesheet (`400.css`: one @font-face per slice). */
export function fontSlices(weight: FontWeight): FontSlice[] {
  let slices = slicesByWeight.get(weight);
  if (!slices) {
    const css = readFileSync(join(PACKAGE_DIR, `${weight}.css`), 'utf8');
    slices = [...css.matchAll(/@font-face\s*{([^}]*)}/g)].map(([, body]) => {
      const file = /url\(\.\/files\/([\w.-]+\.woff2)\)/.exec(body!)?.[1];
      const unicodeRange = /unicode-range:\s*([^;]+);/.exec(body!)?.[1]?.trim();
      if (!file || !unicodeRange) throw new Error(`@fontsource/noto-sans-sc/${weight}.css: a @font-face without a woff2 file or a unicode-range`);
      const ranges = unicodeRange.split(',').map((part): [number, number] => {
        const [from, to] = part.trim().replace(/^U\+/i, '').split('-');
        return [Number.parseInt(from!, 16), Number.parseInt(to ?? from!, 16)];
      });
      return { file, weight, unicodeRange, ranges };
    });
    if (slices.length === 0) throw new Error(`@fontsource/noto-sans-sc/${weight}.css declares no font slices`);
    slicesByWeight.set(weight, slices);
  }
  return slices;
}

/** The slices of these weights that hold at least one character of `text`, in the package's order. */
export function slicesFor(text: string, weights: FontWeight[]): FontSlice[] {
  const codes = [...new Set(Array.from(text, (ch) => ch.codePointAt(0)!))];
  return weights.flatMap((weight) => fontSlices(weight).filter((slice) => codes.some((code) => slice.ranges.some(([from, to]) => code >= from && code <= to))));
}

/** @font-face rules declaring `slices` as BUNDLED_FONT_FAMILY, each file at `urlOf(file)`. */
export function fontFaceCss(slices: FontSlice[], urlOf: (file: string) => string): string {
  return slices
    .map((s) => `@font-face{font-family:"${BUNDLED_FONT_FAMILY}";font-weight:${s.weight};font-display:swap;src:url("${urlOf(s.file)}") format("woff2");unicode-range:${s.unicodeRange}}\n`)
    .join('');
}

/**
 * Copies the slices' files into `dir`, each written under a temporary name and renamed into
 * place, so a browser reading the folder while another report is written never sees half a file.
 */
export async function copyFontFiles(slices: FontSlice[], dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of new Set(slices.map((s) => s.file))) {
    const partial = join(dir, `.${file}.${randomUUID()}`);
    try {
      await copyFile(join(FILES_DIR, file), partial);
      await rename(partial, join(dir, file));
    } finally {
      await rm(partial, { force: true });
    }
  }
}
