// What the city site's and the province site's Observable Framework configurations share: offline
// (no Google font, no search, our stylesheet), Chinese, every page a file named with its .html
// (so either site works on any static web server without rewrite rules; Framework 1.13's
// cleanUrls: false without its deprecation warning), TypeScript loaders run in one process, and
// a footer naming the bureau and when the site was built.

import {DuckDBInstance} from '@duckdb/node-api';

/**
 * @param {{title: string, pages: {name: string, path: string}[], bureau: string, dynamicPaths?: () => AsyncGenerator<string>}} site
 *   `bureau`: who publishes it (许昌市教育局), '' when unknown
 */
export function siteConfig({title, pages, bureau, dynamicPaths}) {
  const builtAt = new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    dateStyle: 'long',
    timeStyle: 'short',
    hour12: false,
  }).format(new Date());
  return {
    root: 'src',
    output: process.env.SAFECAMPUS_SITE_OUTPUT || 'dist',
    title,
    pages,
    ...(dynamicPaths ? {dynamicPaths} : {}),
    preserveExtension: true,
    preserveIndex: true,
    pager: false,
    toc: false,
    sidebar: true,
    search: false,
    style: 'style.css',
    globalStylesheets: [],
    head: '<link rel="icon" href="/favicon.svg" type="image/svg+xml"><script>document.documentElement.lang="zh-CN"</script>',
    footer: `${bureau ? `${bureau} · ` : ''}校园安全评估 · 站点生成于 ${builtAt}（北京时间）`,
    interpreters: {
      // the default is the `tsx` binary on PATH, a process of its own per loader
      '.ts': [process.execPath, '--import', 'tsx'],
    },
  };
}

/**
 * Runs `read` with a function that returns the rows of a query on the DuckDB file at `path`,
 * attached read-only under a name of its own (a file named province.duckdb would otherwise make
 * "province" both its catalog and its schema).
 * @template T
 * @param {string} path
 * @param {(rows: (sql: string) => Promise<unknown[][]>) => Promise<T>} read
 * @returns {Promise<T>}
 */
export async function readDuckDbFile(path, read) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`attach '${path.replaceAll("'", "''")}' as site_source (read_only)`);
    await connection.run('use site_source');
    return await read(async (sql) => (await connection.runAndReadAll(sql)).getRows());
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
