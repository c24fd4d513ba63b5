/**
 * Where an analyst's export may go (`safecampus query --out`): never onto what the pipeline
 * owns — the warehouse file and its write-ahead log, the snapshots, the archive of received
 * files, the appraisals, the PII salt, the embedded Temporal server's state, nor the very
 * snapshot being queried — and never over an existing file unless asked to (`--force`).
 * Paths are compared as the file system resolves them (symbolic links and `..` followed), so
 * no spelling of a protected path gets past.
 */
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';

/** The path as the file system would resolve it, also when it (or its folders) does not exist yet. */
export function realPath(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return parent === absolute ? absolute : join(realPath(parent), basename(absolute));
}

function isWithin(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

interface Protected {
  path: string;
  /** What it is, Chinese / English. */
  what: string;
  folder: boolean;
}

function protectedPaths(warehousePath: string, snapshotPath: string): Protected[] {
  const dataDir = dirname(resolve(warehousePath));
  const file = (path: string, what: string): Protected => ({ path: realPath(path), what, folder: false });
  const folder = (name: string, what: string): Protected => ({ path: realPath(join(dataDir, name)), what, folder: true });
  return [
    file(warehousePath, '数据仓库文件 / the warehouse file'),
    file(`${warehousePath}.wal`, '数据仓库的预写日志 / the warehouse’s write-ahead log'),
    file(snapshotPath, '正在查询的快照 / the snapshot being queried'),
    file(`${snapshotPath}.wal`, '正在查询的快照的预写日志 / the write-ahead log of the snapshot being queried'),
    file(join(dataDir, '.pii-salt'), '个人信息加盐文件 / the PII salt'),
    folder('snapshots', '快照文件夹 / the snapshots folder'),
    folder('archive', '原始文件归档 / the archive of received files'),
    folder('appraisals', '年度评估文件夹 / the appraisals folder'),
    folder('temporal', 'Temporal 状态文件夹 / the Temporal state folder'),
  ];
}

/**
 * The absolute path to write `out` to, or an Error saying why not and what to do: inside
 * a protected path, a folder, or an existing file without `force`.
 */
export function checkOutputPath(out: string, options: { warehousePath: string; snapshotPath: string; force: boolean }): string {
  const file = resolve(out);
  const real = realPath(file);
  for (const guarded of protectedPaths(options.warehousePath, options.snapshotPath)) {
    if (guarded.folder ? isWithin(real, guarded.path) : real === guarded.path) {
      throw new Error(
        `不能写到${guarded.what.split(' / ')[0]}${guarded.folder ? '里' : ''}（${guarded.path}），那会毁掉流水线的数据 / ` +
          `--out ${file} would write ${guarded.folder ? 'into' : 'over'} ${guarded.what.split(' / ')[1]} (${guarded.path}), which the pipeline owns: ` +
          'write the export somewhere else, e.g. --out exports/result.csv',
      );
    }
  }
  // lstat: a dangling symbolic link is an existing name too
  const existing = existsSync(file) || isSymbolicLink(file);
  if (existing && statSafe(file)?.isDirectory()) {
    throw new Error(`--out ${file} 是一个文件夹 / is a folder: give a file name in it, e.g. --out ${join(file, 'result.csv')}`);
  }
  if (existing && !options.force) {
    throw new Error(`文件已存在 / ${file} already exists: give another --out, or add --force to replace it`);
  }
  return file;
}

function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function statSafe(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
