import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';

/** A sensors file of at least `rows` rows: the city's rows again and again, each pass under new device ids. */
export async function repeatedSensors(source: string, target: string, rows: number): Promise<number> {
  const [header, ...lines] = readFileSync(source, 'utf8').split(/\r?\n/).filter((l) => l !== '');
  const out = createWriteStream(target);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${header}\n`);
  let written = 0;
  for (let pass = 1; written < rows; pass++) {
    await write(`${lines.map((line) => line.replace(',', `-x${pass},`)).join('\n')}\n`);
    written += lines.length;
  }
  out.end();
  await once(out, 'finish');
  return written;
}
