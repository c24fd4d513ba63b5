// Preloaded (node --import) into the Framework build and its data loaders by build.ts.
// The site is built on machines without internet (a government intranet): any attempt
// to fetch from the network — a CDN module, an npm registry version lookup, telemetry —
// must fail loudly here instead of working on a developer's machine and failing later.
const original = globalThis.fetch;

function isLocal(url) {
  return url.protocol === 'file:' || url.protocol === 'data:' || url.protocol === 'blob:' ||
    ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

if (typeof original === 'function') {
  globalThis.fetch = async function offlineFetch(input, init) {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input?.url;
    let url;
    try {
      url = new URL(String(href));
    } catch {
      return original(input, init);
    }
    if (isLocal(url)) return original(input, init);
    throw new TypeError(
      `offline build: blocked a network request to ${url.href}. The dashboards must build without internet: ` +
        'import libraries from node_modules (e.g. `import * as Plot from "@observablehq/plot"`), never `npm:` ' +
        'imports, implicit globals (Plot, d3, Inputs, html, sql…), `sql:` front matter, or FileAttachment ' +
        'methods that pull a parser (.csv/.tsv → d3-dsv, .arrow/.parquet, .xlsx, .zip; use .json(), .text() or ' +
        '.arrayBuffer() with an explicit import); if Framework looks up an npm version, add it to ' +
        'NPM_VERSION_SEEDS in dashboards/lib/framework.ts.',
    );
  };
}
