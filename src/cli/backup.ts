/**
 * `npm run backup -- FILE`: a consistent copy of the live database, made with SQLite's online
 * backup API while the bot keeps running. Refuses to overwrite an existing file.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadDatabasePath, loadDotEnv } from '../config.js';
import { openExistingDatabase } from '../db/connection.js';

loadDotEnv();
const target = process.argv[2];
if (!target) {
  console.error('Usage: npm run backup -- FILE   (FILE must not exist yet)');
  process.exit(2);
}
const source = loadDatabasePath();
if (!existsSync(source)) {
  console.error(`There is no database at ${source} (DATABASE_PATH); nothing to back up.`);
  process.exit(1);
}
if (existsSync(target)) {
  console.error(`${target} already exists; choose a new file name so no backup is overwritten.`);
  process.exit(1);
}
mkdirSync(dirname(resolve(target)), { recursive: true });
const db = openExistingDatabase(source, { busyTimeoutMs: 5000 });
try {
  await db.backup(target);
  console.log(`Backed up ${source} to ${target} (${statSync(target).size} bytes).`);
} finally {
  db.close();
}
