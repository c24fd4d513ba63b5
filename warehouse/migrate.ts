/**
 * Versioned, ordered schema migrations: `migrations/NNNN_name.sql`, applied once each in
 * order and recorded in audit.schema_migrations. A warehouse migrated by newer code than
 * this is refused rather than guessed at.
 *
 * Versions need not be contiguous, and a migration is applied when its version is not yet
 * recorded, not only when it is above the highest one: branches number their migrations
 * ahead of each other (0008 may merge before 0007), and a warehouse that already ran 0008
 * still gets 0007 once the code has it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Warehouse } from './connection.ts';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  version: number;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

export class NewerWarehouseError extends Error {}

export async function migrate(db: Warehouse, migrations = listMigrations()): Promise<MigrationResult> {
  await db.run('create schema if not exists audit');
  await db.run(`create table if not exists audit.schema_migrations (
    version integer primary key, name varchar not null, checksum varchar not null, applied_at timestamp not null)`);
  const recorded = new Set((await db.all<{ version: number }>('select version from audit.schema_migrations')).map((r) => r.version));
  const current = Math.max(0, ...recorded);
  const known = migrations.at(-1)?.version ?? 0;
  if (current > known) {
    throw new NewerWarehouseError(
      `the warehouse ${db.path} is at schema version ${current}, newer than this safecampus knows (${known}). ` +
        'Upgrade safecampus to the version that wrote it, or point --db at another warehouse.',
    );
  }
  const applied: string[] = [];
  for (const migration of migrations.filter((m) => !recorded.has(m.version))) {
    await db.transaction(async () => {
      await db.run(migration.sql);
      await db.run('insert into audit.schema_migrations values ($1, $2, $3, now()::timestamp)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
    });
    applied.push(migration.name);
  }
  return { applied, version: Math.max(current, known) };
}
