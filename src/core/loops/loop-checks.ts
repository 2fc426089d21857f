/**
 * Which open offers still await the loop step. Any loop among open offers goes through the one of
 * them that most recently became open; the step for that offer ran after its opening committed,
 * so it saw every other offer of the loop and found the loop then (or the loop broke before it
 * could execute). So loops need looking for only through offers whose step has not run since they
 * last became open: posted while the bot was down or the step failed, open again after a
 * cancelled settlement, posted while the market had loops off. `offers.loop_check` records that
 * (see the schema), and the sweep reads only the partial index of due offers.
 *
 * The step marks an offer checked only when it searched with loops on and either found nothing
 * or executed its loop (the offer then left `active` anyway). A step that lost every loop it
 * chose to races leaves the offer due, so the sweep tries it again.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../../db/connection.js';
import { offers } from '../../db/schema.js';

const p = sql.placeholder;

/** An open offer awaiting the loop step, and which of its openings that is. */
export interface DueCheck {
  offerId: number;
  opening: number;
}

/**
 * Due open offers of a market above an id, oldest first (placeholders `marketId`, `after`,
 * `limit`). Literal `status = 'active'` and `loop_check > 0`, so SQLite can prove the partial
 * index applies; exported so a test can ask SQLite for its plan.
 */
export const dueOffersQuery = (db: Database) =>
  db.orm
    .select({ offerId: offers.id, opening: offers.loopCheck })
    .from(offers)
    .where(and(eq(offers.marketId, p('marketId')), sql`${offers.status} = 'active'`, sql`${offers.loopCheck} > 0`, gt(offers.id, p('after'))))
    .orderBy(asc(offers.id))
    .limit(p('limit'));

export function createLoopChecks(db: Database) {
  const { orm } = db;
  const markChecked = orm
    .update(offers)
    .set({ loopCheck: sql`-${offers.loopCheck}` })
    .where(and(eq(offers.id, p('offerId')), eq(offers.loopCheck, p('opening'))))
    .prepare();
  const dueAgain = orm
    .update(offers)
    .set({ loopCheck: sql`abs(${offers.loopCheck}) + 1` })
    .where(eq(offers.id, p('offerId')))
    .prepare();
  const dueIn = dueOffersQuery(db).prepare();

  return {
    /**
     * Marks `checks` as checked, each only if it is still the opening the step searched through.
     * One write transaction for all of them.
     */
    markChecked(checks: readonly DueCheck[]): void {
      if (checks.length === 0) return;
      db.writeTransaction(() => {
        for (const { offerId, opening } of checks) markChecked.run({ offerId, opening });
      });
    },

    /**
     * Makes an offer that is open again await the loop step. Must run in the transaction that
     * moves it back to `active` (a cancelled settlement), like `reopenLines`.
     */
    loopCheckDueAgain(offerId: number): void {
      dueAgain.run({ offerId });
    },

    /** Up to `limit` due open offers of a market with an id above `after`, oldest first. */
    dueIn: (marketId: number, after: number, limit: number): DueCheck[] => dueIn.all({ marketId, after, limit }),
  };
}

export type LoopChecks = ReturnType<typeof createLoopChecks>;
