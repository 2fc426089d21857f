/**
 * `npm run audit`: replays the ledger of the bot's database and reports any difference from the
 * inventories and escrow. Exits 1 when something does not add up. Safe while the bot runs.
 */
import { auditLedger } from '../core/audit.js';
import { loadDatabasePath, loadDotEnv } from '../config.js';
import { openDatabase } from '../db/connection.js';

loadDotEnv();
const path = loadDatabasePath();
const db = openDatabase(path);
try {
  const report = auditLedger(db);
  console.log(`Audit of ${path}: ${report.ledgerRows} ledger rows, ${report.totals.length} items.`);
  for (const total of report.totals) {
    console.log(
      `  market ${total.marketId} ${total.slug}: granted ${total.granted} - revoked ${total.revoked} = ${total.granted - total.revoked}; ` +
        `held ${total.inInventories} + escrow ${total.inEscrow} = ${total.inInventories + total.inEscrow}`,
    );
  }
  if (report.ok) {
    console.log('OK: every item is accounted for.');
  } else {
    console.log(`DIFFERENCES (${report.differences.length}):`);
    for (const difference of report.differences) console.log(`  ${JSON.stringify(difference)}`);
    process.exitCode = 1;
  }
} finally {
  db.close();
}
