/**
 * `npm run audit`: replays the ledger of the bot's database and reports any difference from the
 * inventories and escrow. Safe while the bot runs: it only reads, opens the existing file (never
 * creates one) and never migrates it.
 *
 * Exit codes: 0 every item is accounted for; 1 differences (each one named); 2 nothing could be
 * audited (no database at the path, or not a Trading post database).
 */
import { eq } from 'drizzle-orm';
import { existsSync } from 'node:fs';
import { auditLedger, type AuditDifference } from '../core/audit.js';
import { loadDatabasePath, loadDotEnv } from '../config.js';
import { openExistingDatabase } from '../db/connection.js';
import { items, members } from '../db/schema.js';

function cannotAudit(sentence: string): never {
  console.error(sentence);
  process.exit(2);
}

loadDotEnv();
const path = loadDatabasePath();
// Opening a missing path would create an empty database, which then "audits" as OK.
if (!existsSync(path)) cannotAudit(`There is no database at ${path}; set DATABASE_PATH to the bot's database file and run the audit again.`);
// Not `readonly`: a read-only connection leaves the -wal and -shm files it had to create behind;
// this one only reads, and removes them on close when the bot is not running.
const db = openExistingDatabase(path, { busyTimeoutMs: 5000 });
try {
  if (!db.hasTable('ledger')) cannotAudit(`${path} is not a Trading post database (it has no ledger); set DATABASE_PATH to the bot's database file.`);

  const report = auditLedger(db);
  const memberName = (id: number) => db.orm.select({ name: members.displayName }).from(members).where(eq(members.id, id)).get()?.name;
  const itemSlug = (id: number) => db.orm.select({ slug: items.slug }).from(items).where(eq(items.id, id)).get()?.slug;
  const member = (id: number) => `member ${id} (${memberName(id) ?? 'unknown'})`;
  const item = (id: number) => `item ${id} (${itemSlug(id) ?? 'unknown'})`;
  const describe = (difference: AuditDifference): string => {
    switch (difference.kind) {
      case 'inventory':
        return `inventory of ${member(difference.memberId)}, ${item(difference.itemId)}: the ledger gives ${difference.expected}, the table holds ${difference.actual}`;
      case 'escrow':
        return `escrow of offer #${difference.offerId}, ${item(difference.itemId)}: the ledger gives ${difference.expected}, the offer holds ${difference.actual}`;
      case 'total':
        return `market ${difference.marketId}, ${item(difference.itemId)}: granted - revoked = ${difference.expected}, but inventories + escrow = ${difference.actual}`;
      case 'escrow_on_closed_offer':
        return `offer #${difference.offerId} is closed yet still holds ${difference.held} of ${item(difference.itemId)}`;
      case 'trade_escrow':
        return `escrow of trade #${difference.tradeId}, ${item(difference.itemId)}: the ledger gives ${difference.expected}, the trade holds ${difference.actual}`;
      case 'escrow_on_ended_trade':
        return `trade #${difference.tradeId} has ended yet still holds ${difference.held} of ${item(difference.itemId)}`;
      case 'entry_escrow':
        return `escrow of event entry #${difference.entryId}, ${item(difference.itemId)}: the ledger gives ${difference.expected}, the entry holds ${difference.actual}`;
      case 'escrow_on_closed_entry':
        return `event entry #${difference.entryId} is closed yet still holds ${difference.held} of ${item(difference.itemId)}`;
      case 'malformed_ledger_row':
        return `ledger row ${difference.ledgerId}: ${difference.reason}`;
    }
  };

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
    for (const difference of report.differences) console.log(`  ${describe(difference)}`);
    process.exitCode = 1;
  }
} finally {
  db.close();
}
