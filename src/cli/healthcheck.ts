/**
 * The container's HEALTHCHECK: healthy when the database answers and a bot process has written a
 * fresh heartbeat saying each of its platform connections is up. Exit 0 healthy, 1 not.
 */
import BetterSqlite3 from 'better-sqlite3';
import { hostname } from 'node:os';
import { loadDatabasePath, loadDotEnv } from '../config.js';

/** A heartbeat is written every 15 s; three missed beats mean the process is stuck or gone. */
const FRESH_MS = 45_000;

loadDotEnv();
try {
  const db = new BetterSqlite3(loadDatabasePath(), { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 2000');
  // Only this host's processes: several containers may share the database volume.
  const beats = db
    .prepare<[string, number], { process: string; platforms: string }>('SELECT process, platforms FROM heartbeats WHERE process LIKE ? AND updated_at >= ?')
    .all(`${hostname()}:%`, Date.now() - FRESH_MS);
  db.close();
  const healthy = beats.filter((beat) => Object.values(JSON.parse(beat.platforms) as Record<string, boolean>).every(Boolean));
  if (healthy.length === 0) {
    console.error(beats.length ? `platform connection down: ${beats.map((b) => `${b.process} ${b.platforms}`).join('; ')}` : 'no fresh heartbeat from a bot process');
    process.exit(1);
  }
  console.log(`healthy: ${healthy.map((beat) => `${beat.process} ${beat.platforms}`).join('; ')}`);
} catch (error) {
  console.error(`database check failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
