// Types of schoolBuckets.js for the TypeScript loader that writes the buckets.
export declare const SCHOOL_BUCKETS: string[];
export declare function schoolBucket(code: string): string;
export declare function schoolBucketPath(bucket: string): string;
