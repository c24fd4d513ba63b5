/**
 * The browser from npm (reports/browser.ts): @sparticuz/chromium unpacked offline into a cache
 * folder — whole or not at all when two processes start at once or one died half-way — with the
 * NSS libraries a bare Debian lacks, and started headless through playwright-core.
 *
 * @module-tag browser
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledChromium, launchChromium, unpackChromium } from '../../reports/browser.ts';
import { tempDir } from '../helpers.ts';

const PACKAGE_DIR = dirname(dirname(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium'))));
const cache = tempDir('safecampus-chromium-');
const previous = process.env.CHROMIUM_PATH;
afterAll(async () => {
  if (previous === undefined) delete process.env.CHROMIUM_PATH;
  else process.env.CHROMIUM_PATH = previous;
  await rm(cache, { recursive: true, force: true }); // a browser of 190 MB
});

describe('the bundled Chromium', () => {
  it('unpacks once into a folder of its version, whole, when two unpack at once and a dead one left a half-written folder', async () => {
    const version = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')).version as string;
    const abandoned = join(cache, `chromium-${version}.partial-999999999-x1`);
    const running = join(cache, `chromium-${version}.partial-${process.pid}-x2`);
    await mkdir(abandoned, { recursive: true });
    await mkdir(running, { recursive: true });
    const [a, b] = await Promise.all([unpackChromium(PACKAGE_DIR, cache), unpackChromium(PACKAGE_DIR, cache)]);
    expect(a).toEqual(b);
    expect(a.dir).toBe(join(cache, `chromium-${version}`));
    // the abandoned folder is gone, the one of a process still running is left to it, no other is left behind
    expect(readdirSync(cache).sort()).toEqual([`chromium-${version}`, `chromium-${version}.partial-${process.pid}-x2`]);
    expect(statSync(a.executable).mode & 0o111).toBe(0o111);
    expect(statSync(a.executable).size).toBeGreaterThan(100 * 1024 * 1024);
    expect(readdirSync(a.libraries)).toEqual(expect.arrayContaining(['libnss3.so', 'libnspr4.so', 'libexpat.so.1']));
    expect(readdirSync(join(a.fallbackFonts, 'Open_Sans'))).toContain('OpenSans-Regular.ttf');
    // a third call finds it and unpacks nothing
    const mtime = statSync(a.executable).mtimeMs;
    await unpackChromium(PACKAGE_DIR, cache);
    expect(statSync(a.executable).mtimeMs).toBe(mtime);
  }, 120_000);

  it('links against its own NSS libraries, so a machine without libnss3 runs it', async () => {
    const { executable, libraries } = await bundledChromium();
    const links = execFileSync('ldd', [executable], { encoding: 'utf8', env: { ...process.env, LD_LIBRARY_PATH: libraries } });
    expect(links).not.toMatch(/not found/);
    for (const library of ['libnss3.so', 'libnssutil3.so', 'libnspr4.so', 'libplc4.so', 'libplds4.so']) {
      expect(links).toContain(`${library} => ${join(libraries, library)}`);
    }
  });

  it('starts headless through playwright-core without CHROMIUM_PATH, and never falls back to a system browser', async () => {
    delete process.env.CHROMIUM_PATH;
    const browser = await launchChromium();
    try {
      expect(browser.version()).toMatch(/^143\./);
      const page = await browser.newPage();
      await page.setContent('<p>评估报告</p>');
      expect(await page.locator('p').textContent()).toBe('评估报告');
    } finally {
      await browser.close();
    }
    process.env.CHROMIUM_PATH = join(cache, 'missing-chromium');
    await expect(launchChromium()).rejects.toThrow(`CHROMIUM_PATH=${join(cache, 'missing-chromium')}: no such file; unset CHROMIUM_PATH to use the bundled Chromium (@sparticuz/chromium)`);
  }, 60_000);
});
