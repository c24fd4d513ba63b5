// Where the 学校 page finds one school's details. The schools are split by the last two
// digits of their code into 100 files (data/schools/00.json.gz … 99.json.gz), written by
// the loader data/schools.tar.ts and fetched on demand, so opening one school downloads
// about a hundredth of the city whatever its size. Shared by the page, the loader and
// observablehq.config.js (which lists the files for the build), so the rule is written once.

/** The bucket names: "00" … "99". The set does not depend on the data, so the build can list it up front. */
export const SCHOOL_BUCKETS = Array.from({length: 100}, (_, i) => String(i).padStart(2, "0"));

/** The bucket of a school code (10 digits, DOMAIN.md §3): its last two digits. */
export function schoolBucket(code) {
  return String(code).slice(-2);
}

/** The path of a bucket's file, relative to the site root. */
export function schoolBucketPath(bucket) {
  return `data/schools/${bucket}.json.gz`;
}
