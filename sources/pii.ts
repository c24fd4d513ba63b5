/**
 * The salt for hashing student identifiers. It lives beside the warehouse (or in
 * SAFECAMPUS_PII_SALT), never inside it, so the hashes in the warehouse cannot be
 * reversed by trying every ID number from the warehouse alone.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function piiSalt(warehousePath: string): string {
  if (process.env.SAFECAMPUS_PII_SALT) return process.env.SAFECAMPUS_PII_SALT;
  const file = join(dirname(warehousePath), '.pii-salt');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}
