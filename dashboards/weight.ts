// Page weight of a built site: what a browser downloads to show one page — the HTML and
// every local file it references (stylesheets, module preloads and imports, the files it
// registers for FileAttachment, the largest file it fetches on demand), each counted once,
// as stored: no HTTP compression assumed, so data the site gzips itself counts compressed.
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, normalize, relative } from 'node:path';

export interface PageWeight {
  /** The page, as a path relative to the site root (e.g. "quality.html"). */
  page: string;
  /** Bytes of the page and everything it references. */
  bytes: number;
  /** Bytes of its FileAttachment files (the loaders' data) and the largest file it fetches on demand, alone. */
  dataBytes: number;
}

/**
 * Data a page fetches itself, outside FileAttachment: the folder of files of which it
 * loads one at a time. The page's weight counts the largest (the 学校 page opens one
 * school's bucket, src/components/schoolBuckets.js).
 */
const ON_DEMAND: Record<string, string> = { 'schools.html': 'data/schools' };

// a <link>'s href is loaded with the page; an <a>'s is only a way to another page (since links name
// their .html file, counting it would add every page of the sidebar to each page's weight)
const CODE = [/<link\b[^>]*\bhref="(\.{1,2}\/[^"]+)"/g, /\bsrc="(\.{1,2}\/[^"]+)"/g, /\bfrom\s*"(\.{1,2}\/[^"]+)"/g];
const ATTACHMENT = /"path":"(\.{1,2}\/[^"]+)"/g;

async function size(file: string): Promise<number> {
  return stat(file).then((s) => (s.isFile() ? s.size : 0), () => 0);
}

async function largestFile(dir: string | null): Promise<number> {
  if (!dir) return 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let largest = 0;
  for (const entry of entries) if (entry.isFile()) largest = Math.max(largest, await size(join(dir, entry.name)));
  return largest;
}

/** Weight of each page of the site in `root`; `pages` as BuildSiteResult.pages lists them. */
export async function pageWeights(root: string, pages: string[]): Promise<PageWeight[]> {
  const weights: PageWeight[] = [];
  for (const page of pages) {
    const html = join(root, page);
    const text = await readFile(html, 'utf8');
    const resolve = (pattern: RegExp) =>
      [...text.matchAll(pattern)]
        .map((m) => normalize(join(dirname(html), m[1]!.split(/[?#]/)[0]!)))
        .filter((file) => !relative(root, file).startsWith('..'));
    const attachments = new Set(resolve(ATTACHMENT));
    const code = new Set(CODE.flatMap(resolve).filter((file) => !attachments.has(file)));
    let dataBytes = await largestFile(ON_DEMAND[page] ? join(root, ON_DEMAND[page]) : null);
    for (const file of attachments) dataBytes += await size(file);
    let bytes = Buffer.byteLength(text) + dataBytes;
    for (const file of code) bytes += await size(file);
    weights.push({ page, bytes, dataBytes });
  }
  return weights;
}
