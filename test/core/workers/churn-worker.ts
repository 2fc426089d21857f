/**
 * Writer of the inventory snapshot test (`test/core/read-snapshot.test.ts`), run as its own OS
 * process: `node --import tsx test/core/workers/churn-worker.ts <db> <market-id> <owner-id> <rounds>`.
 * Posts an offer of the owner's apples and cancels it, `rounds` times, each step its own
 * transaction, so another process reading the owner's inventory sees the apples move in and out
 * of escrow all the while. Exits 0 when done.
 */
import { createTradeCore } from '../../../src/core/trade-core.js';
import { openDatabase } from '../../../src/db/connection.js';

const [dbPath, marketArg, ownerArg, roundsArg] = process.argv.slice(2);
const marketId = Number(marketArg);
const ownerId = Number(ownerArg);
const rounds = Number(roundsArg);
if (!dbPath || ![marketId, ownerId, rounds].every(Number.isInteger)) {
  process.stderr.write(`churn-worker: bad arguments ${JSON.stringify(process.argv.slice(2))}\n`);
  process.exit(2);
}
const db = openDatabase(dbPath);
const core = createTradeCore({ db });
for (let round = 0; round < rounds; round += 1) {
  const posted = core.postOffer({ marketId, ownerId, give: [{ name: 'apple', quantity: 3 }], want: [{ name: 'pear', quantity: 1 }] });
  if (!posted.ok) throw new Error(`post refused: ${JSON.stringify(posted.error)}`);
  const cancelled = core.cancelOffer({ marketId, offerId: posted.value.id, memberId: ownerId });
  if (!cancelled.ok) throw new Error(`cancel refused: ${JSON.stringify(cancelled.error)}`);
}
db.close();
