/**
 * The headless Chromium that prints the reports (pdf.ts) and runs the browser tests: the one
 * carried inside the npm package @sparticuz/chromium, so `npm ci` is all a machine needs —
 * or, when CHROMIUM_PATH is set, that browser instead.
 *
 * The package ships the browser brotli-compressed (bin/chromium.br), with the NSS libraries
 * it links against (bin/al2023.tar.br: libnss3, libnspr4, libexpat…, which a bare Debian or
 * Ubuntu lacks; they need glibc 2.34 or later) and one fallback font (bin/fonts.tar.br:
 * Open Sans; without any font Chromium prints blank pages). They are unpacked once, offline,
 * into node_modules/.cache/safecampus/chromium-<version>/: written to a folder of their own
 * and renamed into place whole, so two processes starting at once each unpack and one rename
 * wins, and a process killed half-way leaves no half-written browser behind. The package's
 * own `executablePath()` is not used: it unpacks into /tmp/chromium for every version alike,
 * and a second process may launch the file while the first is still writing it.
 *
 * Every launch gets a fontconfig file of its own (FONTCONFIG_FILE): the machine's fonts
 * (unless `systemFonts` is false) plus the package's fallback font. The bundled browser also
 * gets the package's libraries first on its LD_LIBRARY_PATH; the rest of the environment is
 * passed on as it is.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { brotliDecompress, createBrotliDecompress } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { readTar } from '../shared/tar.ts';
import { isProcessAlive } from '../warehouse/process.ts';

const PACKAGE = '@sparticuz/chromium';
/** CSS @page margin boxes, which print the reports' page numbers, arrived in Chromium 131. */
const MINIMUM_MAJOR_VERSION = 131;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HOW_TO_GET_ONE = `run \`npm ci\` in the project (it installs the bundled Chromium, ${PACKAGE}), or set CHROMIUM_PATH to a Chromium ${MINIMUM_MAJOR_VERSION} or later`;

/** No browser can be started; the message says how to get one. */
export class ChromiumError extends Error {}

export interface ChromiumOptions {
  /** Whether the browser sees the machine's fonts (default true); false shows a page as a machine with no fonts would. */
  systemFonts?: boolean;
  /** More fontconfig elements (e.g. `<dir>` a folder of fonts), as a machine with those fonts installed. */
  fontconfig?: string;
}

export interface BundledChromium {
  version: string;
  dir: string;
  executable: string;
  libraries: string;
  fallbackFonts: string;
}

let bundled: Promise<BundledChromium> | null = null;

/** The bundled browser, unpacked on first use (see the file header); later calls reuse it. */
export function bundledChromium(): Promise<BundledChromium> {
  bundled ??= (async () => {
    const pkg = packageDir();
    // <project>/node_modules/@sparticuz/chromium → <project>/node_modules/.cache/safecampus
    return unpackChromium(pkg, resolve(pkg, '..', '..', '.cache', 'safecampus'));
  })().catch((error: unknown) => {
    bundled = null;
    throw error;
  });
  return bundled;
}

function packageDir(): string {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(PACKAGE);
  } catch {
    throw new ChromiumError(`no Chromium: the package ${PACKAGE} is not installed; ${HOW_TO_GET_ONE}`);
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === PACKAGE) return dir;
  }
  throw new ChromiumError(`${PACKAGE} is installed without its package.json (${entry}); ${HOW_TO_GET_ONE}`);
}

/** Unpacks the browser package at `pkg` into `cache`/chromium-<version>/ unless it is there already (see the file header). */
export async function unpackChromium(pkg: string, cache: string): Promise<BundledChromium> {
  const version = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')).version as string;
  const dir = join(cache, `chromium-${version}`);
  const found = (): BundledChromium => ({ version, dir, executable: join(dir, 'chromium'), libraries: join(dir, 'lib'), fallbackFonts: join(dir, 'fonts') });
  if (existsSync(join(dir, 'chromium'))) return found();

  let partial: string | null = null;
  try {
    await mkdir(cache, { recursive: true });
    // what a process killed while unpacking left behind
    for (const name of await readdir(cache)) {
      const pid = /\.partial-(\d+)-/.exec(name)?.[1];
      if (pid && !isProcessAlive(Number(pid))) await rm(join(cache, name), { recursive: true, force: true });
    }
    partial = await mkdtemp(join(cache, `chromium-${version}.partial-${process.pid}-`));
    await chmod(partial, 0o755); // mkdtemp makes it private; the unpacked browser serves every user of the install
    const bin = join(pkg, 'bin');
    await pipeline(createReadStream(join(bin, 'chromium.br')), createBrotliDecompress(), createWriteStream(join(partial, 'chromium'), { mode: 0o755 }));
    for (const archive of ['al2023.tar.br', 'fonts.tar.br']) {
      for (const member of readTar(await promisify(brotliDecompress)(await readFile(join(bin, archive))))) {
        const target = join(partial, member.name);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, member.data, { mode: member.executable ? 0o755 : 0o644 });
      }
    }
    try {
      await rename(partial, dir);
    } catch (error) {
      // another process unpacked the same version first: its copy is as good as ours
      if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  } catch (error) {
    throw new ChromiumError(`cannot unpack the bundled Chromium (${PACKAGE} ${version}) into ${cache}: ${(error as Error).message}; make that folder writable, or set CHROMIUM_PATH`);
  } finally {
    if (partial) await rm(partial, { recursive: true, force: true });
  }
  return found();
}

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A fontconfig file for one launch: written once per distinct content, next to the unpacked browser. */
async function fontconfigFile(browser: BundledChromium, options: ChromiumOptions): Promise<string> {
  const system = process.env.FONTCONFIG_FILE ?? '/etc/fonts/fonts.conf';
  const xml = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<fontconfig>',
    options.systemFonts === false ? '' : `  <include ignore_missing="yes">${xmlText(system)}</include>`,
    `  <dir>${xmlText(browser.fallbackFonts)}</dir>`,
    options.fontconfig ?? '',
    `  <cachedir>${xmlText(join(browser.dir, 'fontconfig-cache'))}</cachedir>`,
    '</fontconfig>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
  const file = join(browser.dir, `fonts-${createHash('sha256').update(xml).digest('hex').slice(0, 16)}.conf`);
  if (!existsSync(file)) {
    const partial = `${file}.${process.pid}`;
    await writeFile(partial, xml);
    await rename(partial, file);
  }
  return file;
}

/**
 * Starts the browser headless: CHROMIUM_PATH when set (it must exist), else the bundled one.
 * Throws a ChromiumError saying how to get a browser when there is none or it cannot start.
 */
export async function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  const override = process.env.CHROMIUM_PATH;
  if (override !== undefined && !existsSync(override)) {
    throw new ChromiumError(`CHROMIUM_PATH=${override}: no such file; unset CHROMIUM_PATH to use the bundled Chromium (${PACKAGE}), or point it at a Chromium ${MINIMUM_MAJOR_VERSION} or later`);
  }
  const pkg = await bundledChromium();
  const executablePath = override ?? pkg.executable;
  const env: Record<string, string> = { ...(process.env as Record<string, string>), FONTCONFIG_FILE: await fontconfigFile(pkg, options) };
  if (!override) env.LD_LIBRARY_PATH = [pkg.libraries, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, headless: true, args: ARGS, env });
  } catch (error) {
    const why = (error as Error).message.split('\n')[0];
    const hint = override ? 'check CHROMIUM_PATH, or unset it to use the bundled Chromium' : 'the bundled Chromium needs Linux x64 with glibc 2.34 or later (Debian 12, Ubuntu 22.04 or later); elsewhere set CHROMIUM_PATH';
    throw new ChromiumError(`cannot start Chromium at ${executablePath}: ${why}; ${hint}`);
  }
  const major = Number.parseInt(browser.version(), 10);
  if (!(major >= MINIMUM_MAJOR_VERSION)) {
    await browser.close();
    throw new ChromiumError(`Chromium ${browser.version()} at ${executablePath} is too old (the reports' page numbers need ${MINIMUM_MAJOR_VERSION} or later); ${HOW_TO_GET_ONE}`);
  }
  return browser;
}

/** The browser launchChromium starts — its path, version and where it comes from — found by starting it once. */
export async function chromiumInUse(): Promise<{ path: string; version: string; via: string }> {
  const browser = await launchChromium();
  try {
    const override = process.env.CHROMIUM_PATH;
    const pkg = await bundledChromium();
    return { path: override ?? pkg.executable, version: browser.version(), via: override ? 'CHROMIUM_PATH' : `${PACKAGE} ${pkg.version}` };
  } finally {
    await browser.close();
  }
}
