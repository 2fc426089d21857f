/**
 * The container's HEALTHCHECK: healthy when the database answers, a bot process on this host has
 * written a fresh heartbeat, and every fresh heartbeat of this host says each of its platform
 * connections is up (the bots' `isRunning()`). Exit 0 healthy, 1 not.
 */
import { hostname } from 'node:os';
import { loadDatabasePath, loadDotEnv } from '../config.js';
import { openExistingDatabase } from '../db/connection.js';
import { heartbeats } from '../db/schema.js';

/** A heartbeat is written every 15 s; three missed beats mean the process is stuck or gone. */
const FRESH_MS = 45_000;

function check(): { healthy: boolean; message: string } {
  const db = openExistingDatabase(loadDatabasePath(), { readonly: true, busyTimeoutMs: 2000 });
  let rows: Array<{ process: string; platforms: string; updatedAt: number }>;
  try {
    rows = db.orm.select({ process: heartbeats.process, platforms: heartbeats.platforms, updatedAt: heartbeats.updatedAt }).from(heartbeats).all();
  } finally {
    db.close();
  }
  // Only this host's processes (`hostname:pid`): several containers may share the database volume.
  const mine = rows.filter((row) => row.process.startsWith(`${hostname()}:`));
  const fresh = mine.filter((row) => row.updatedAt >= Date.now() - FRESH_MS);
  const describe = (list: typeof rows) => list.map((row) => `${row.process} ${row.platforms}`).join('; ');
  if (fresh.length === 0) {
    const last = Math.max(...mine.map((row) => row.updatedAt));
    const since = mine.length ? ` (the last was ${Math.round((Date.now() - last) / 1000)} s ago)` : '';
    return { healthy: false, message: `no fresh heartbeat from a bot process on this host${since}` };
  }
  const down = fresh.filter((row) => !Object.values(JSON.parse(row.platforms) as Record<string, boolean>).every(Boolean));
  if (down.length) return { healthy: false, message: `platform connection down: ${describe(down)}` };
  return { healthy: true, message: `healthy: ${describe(fresh)}` };
}

loadDotEnv();
try {
  const { healthy, message } = check();
  if (healthy) console.log(message);
  else console.error(message);
  process.exitCode = healthy ? 0 : 1;
} catch (error) {
  // drizzle wraps a failed query in its own error; the driver's words ("database is locked",
  // "no such table") are in its cause and say more.
  const reason = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  console.error(`database check failed: ${reason instanceof Error ? reason.message : String(reason)}`);
  process.exitCode = 1;
}
