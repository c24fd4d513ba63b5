// What a reader gets out of a PDF, read by Mozilla's PDF.js (the viewer of Firefox, from npm:
// pdfjs-dist): each page's text as copying it would give it (glyphs mapped back to Unicode
// through the fonts' ToUnicode tables) and the fonts the pages draw with, as the PDF names them.
import { readFile } from 'node:fs/promises';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfContent {
  /** Each page's text, the pieces joined without separators (PDF.js splits runs at font changes). */
  pages: string[];
  /** The names of the fonts drawn with, e.g. `AAAAAA+NotoSansSCThin-Regular`, sorted, each once. */
  fonts: string[];
  /** Fonts drawn with whose glyphs are not embedded in the file (a viewer would substitute its own). */
  notEmbedded: string[];
}

export async function readPdf(path: string): Promise<PdfContent> {
  const document = await getDocument({ data: new Uint8Array(await readFile(path)), verbosity: 0, isEvalSupported: false }).promise;
  const pages: string[] = [];
  const fonts = new Set<string>();
  const notEmbedded = new Set<string>();
  try {
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const text = await page.getTextContent();
      pages.push(text.items.map((item) => ('str' in item ? item.str : '')).join(''));
      const operators = await page.getOperatorList();
      operators.fnArray.forEach((fn, i) => {
        if (fn !== OPS.setFont) return;
        const font = page.commonObjs.get(operators.argsArray[i][0]) as { name: string; missingFile: boolean };
        fonts.add(font.name);
        if (font.missingFile) notEmbedded.add(font.name);
      });
    }
  } finally {
    await document.destroy();
  }
  return { pages, fonts: [...fonts].sort(), notEmbedded: [...notEmbedded].sort() };
}
