// Types of gzip.js for the tests that read back what lib/gzip.ts writes.
export declare function gunzipJson(bytes: ArrayBuffer | Uint8Array): Promise<unknown>;
export declare function rowsOf(columns: Record<string, unknown[]>): Array<Record<string, unknown>>;
