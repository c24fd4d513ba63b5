// Data files the loaders write gzip-compressed (dashboards/lib/gzip.ts), some of it in
// columns, inflated in the browser by DecompressionStream (Chromium ≥ 80, Firefox ≥ 113,
// Safari ≥ 16.4).

/** The JSON value in gzip-compressed bytes. */
export function gunzipJson(bytes) {
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).json();
}

/** Rows from columns ({key: [value of each row]}, lib/gzip.ts `columns`): one object per row, keys in column order. */
export function rowsOf(columns) {
  const keys = Object.keys(columns);
  const n = keys.length ? columns[keys[0]].length : 0;
  return Array.from({length: n}, (_, i) => Object.fromEntries(keys.map((key) => [key, columns[key][i]])));
}
