/**
 * One process of the settlement race (`test/core/settlement-race.test.ts`), run as its own OS process:
 *
 *   node --import tsx test/core/workers/settlement-worker.ts <db> <go-file> <role> <clock-ms> <market-id> <trade-ids> [<member-id>]
 *
 * `role` is `sweep` (applies due timeouts in batches of 3) or `member` (for each trade, the member
 * confirms, and withdraws if that was refused). It waits for `<go-file>` so every process starts
 * together, uses a fixed clock (the moment the test chose, past some deadlines), and prints one
 * JSON line: what it did to which trade.
 */
import { existsSync } from 'node:fs';
import { createTradeCore } from '../../../src/core/trade-core.js';
import { openDatabase } from '../../../src/db/connection.js';

const [path, goFile, role, clockMs, marketId, tradeIds, memberId] = process.argv.slice(2);
if (!path || !goFile || !role || !clockMs || !marketId || !tradeIds) {
  console.error('usage: settlement-worker <db> <go-file> <role> <clock-ms> <market-id> <trade-ids> [<member-id>]');
  process.exit(2);
}
const db = openDatabase(path);
const core = createTradeCore({ db, clock: () => Number(clockMs) });
const deadline = Date.now() + 20_000;
while (!existsSync(goFile)) {
  if (Date.now() > deadline) process.exit(2);
  await new Promise((resolve) => setTimeout(resolve, 5));
}
const done: Array<{ tradeId: number; step: string }> = [];
if (role === 'sweep') {
  for (let more = true; more; ) {
    const batch = core.applyDueSettlementTimeouts(3);
    done.push(...batch.applied.map((outcome) => ({ tradeId: outcome.trade.id, step: outcome.step })));
    more = batch.more;
  }
} else {
  for (const tradeId of tradeIds.split(',').map(Number)) {
    const ref = { marketId: Number(marketId), tradeId, memberId: Number(memberId) };
    const confirmed = core.confirmTrade(ref);
    const outcome = confirmed.ok ? confirmed : core.withdrawTrade(ref);
    done.push({ tradeId, step: outcome.ok ? outcome.value.step : outcome.error.code });
  }
}
db.close();
console.log(JSON.stringify({ pid: process.pid, role, done }));
