/**
 * Holds a warehouse the way a running pipeline does: opened for writing, inside an open
 * transaction, until stdin closes. Prints "holding" once the lock is taken.
 *
 *   node --import tsx test/analyst/hold-warehouse.ts <warehouse>
 */
import { Warehouse } from '../../warehouse/connection.ts';

const db = await Warehouse.open(process.argv[2]);
await db.run('begin transaction');
await db.run("update audit.runs set status = status where kind = 'transform'");
process.stdout.write('holding\n');
process.stdin.resume();
process.stdin.on('end', () => {
  db.close();
  process.exit(0);
});
