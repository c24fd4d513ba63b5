// Data files the loaders write gzip-compressed (dashboards/lib/gzip.ts), inflated in the
// browser by DecompressionStream (Chromium ≥ 80, Firefox ≥ 113, Safari ≥ 16.4).

/** The JSON value in gzip-compressed bytes. */
export function gunzipJson(bytes) {
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).json();
}
