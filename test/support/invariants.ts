/**
 * Checks every invariant of DESIGN.md that can be read from the database, with plain SQL over
 * the raw connection plus the core's own ledger audit. Throws an Error naming the first
 * violation; returns nothing when the database is consistent.
 *
 * Reused by the property test, the multi-process race test and anything else that wants to say
 * "whatever just happened, the market is still sound".
 */
import type { DatabaseWithDriver } from '../../src/db/connection.js';
import type { TradeCore } from '../../src/core/trade-core.js';

/** Anything with a database and a core over it, e.g. a `TestMarket`. */
export interface InvariantTarget {
  db: DatabaseWithDriver;
  core: Pick<TradeCore, 'audit'>;
}

/** The owner-facing outbox event of each terminal offer status: `offer:{id}:{suffix}`. */
export const ENDING_EVENT_SUFFIX = {
  completed: 'accepted',
  cancelled: 'cancelled',
  expired: 'expired',
  removed: 'removed',
  declined: 'declined',
  countered: 'countered',
} as const;

/**
 * Endings the owner caused and was answered about at once: no direct message repeats them. A
 * notification with their suffix is still looked for, so one written by mistake is caught.
 */
export const SILENT_ENDINGS: ReadonlyArray<keyof typeof ENDING_EVENT_SUFFIX> = ['cancelled'];

const ENDING_SUFFIXES = Object.values(ENDING_EVENT_SUFFIX);
/** The owner's one message about an offer that completed in a loop. */
export const LOOPED_SUFFIX = 'looped';
const TERMINAL_STATUSES = Object.keys(ENDING_EVENT_SUFFIX);
const TOLD_STATUSES = TERMINAL_STATUSES.filter((status) => !(SILENT_ENDINGS as readonly string[]).includes(status));
/** Settlement in progress (confirm settlement): escrow and a pending trade are legitimate there. */
const IN_SETTLEMENT = 'settling';
/**
 * A public offer closes as countered only when its owner accepts a counter to it: the owner was
 * answered, so no message repeats it. A directed one closes when countered, and its owner is told.
 */
const CLOSED_BY_ACCEPTED_COUNTER = `(o.status = 'countered' AND o.target_id IS NULL)`;

/** An offer completed through confirm settlement: its messages are the trade's (below), not the swap's. */
const SETTLED = `EXISTS (SELECT 1 FROM trades t WHERE t.offer_id = o.id AND t.status = 'completed' AND t.accepted_at IS NOT NULL)`;

/**
 * Who is told a settlement ended: each side that did not end it (a timeout tells both). Keyed
 * `trade:{id}:cancelled:{member}`; the owner is always told of a completion.
 */
function checkSettlementNotifications(all: (query: string) => unknown[]): void {
  const toOwner = (event: string) => `(SELECT count(*) FROM outbox n WHERE n.event_key = 'trade:' || t.id || '${event}' AND n.recipient_id = t.owner_id)`;
  none(
    'nothing is lost',
    'a trade in settlement did not ask its owner exactly once',
    all(`SELECT t.id AS tradeId, t.status FROM trades t WHERE (t.status != 'completed' OR t.accepted_at IS NOT NULL) AND ${toOwner(':requested')} != 1`),
  );
  none(
    'nothing is lost',
    'a settled trade did not tell its owner of the completion exactly once',
    all(`SELECT t.id AS tradeId FROM trades t WHERE t.status = 'completed' AND t.accepted_at IS NOT NULL AND ${toOwner(":completed:' || t.owner_id || '")} != 1`),
  );
  const ownerTold = `t.cancel_reason NOT IN ('seller_rejected', 'cancelled_by_seller')`;
  const takerTold = `t.cancel_reason != 'cancelled_by_buyer'`;
  none(
    'nothing is lost',
    'a cancelled trade did not tell exactly the sides that did not cancel it',
    all(`
      SELECT t.id AS tradeId, t.cancel_reason AS reason,
        (SELECT count(*) FROM outbox n WHERE n.event_key = 'trade:' || t.id || ':cancelled:' || t.owner_id) AS ownerNotices,
        (SELECT count(*) FROM outbox n WHERE n.event_key = 'trade:' || t.id || ':cancelled:' || t.taker_id) AS takerNotices
      FROM trades t WHERE t.status = 'cancelled' AND (ownerNotices != (${ownerTold}) OR takerNotices != (${takerTold}))`),
  );
}

class InvariantViolation extends Error {
  override name = 'InvariantViolation';
}

function fail(invariant: string, detail: string, rows?: unknown): never {
  const shown = rows === undefined ? '' : `\n${JSON.stringify(rows, null, 2)}`;
  throw new InvariantViolation(`invariant violated: ${invariant}: ${detail}${shown}`);
}

/** Fails with the first rows of `rows` when there are any. */
function none(invariant: string, detail: string, rows: unknown[]): void {
  if (rows.length > 0) fail(invariant, `${detail} (${rows.length} row${rows.length === 1 ? '' : 's'})`, rows.slice(0, 5));
}

const inList = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

export function checkInvariants(target: InvariantTarget): void {
  const { sqlite } = target.db;
  const all = (query: string): unknown[] => sqlite.prepare(query).all();

  // Everything below reads one snapshot, so a check never mixes two states of the database.
  const check = sqlite.transaction(() => {
    // 3. Never negative (first: a negative holding would also break conservation, and this names it).
    none(
      'never negative',
      'an inventory quantity is below zero',
      all(`SELECT member_id AS memberId, item_id AS itemId, quantity FROM inventories WHERE quantity < 0`),
    );
    none(
      'never negative',
      'an offer line holds less than zero or more than its quantity',
      all(`SELECT offer_id AS offerId, side, item_id AS itemId, quantity, held FROM offer_lines WHERE held < 0 OR held > quantity`),
    );

    // 1. Conservation, as the core's audit sees it (ledger replay per member, per offer, per item).
    const audit = target.core.audit();
    if (!audit.ok || audit.differences.length > 0) {
      fail('conservation (audit)', `core.audit() reports ${audit.differences.length} difference(s)`, audit.differences.slice(0, 5));
    }

    // 1b. Conservation, recomputed here independently: per item, grants - revokes == inventories + escrow.
    none(
      'conservation',
      'grants - revokes != inventories + offer escrow + trade escrow for an item',
      all(`
        SELECT i.id AS itemId, i.slug,
          coalesce(g.granted, 0) AS granted, coalesce(g.revoked, 0) AS revoked,
          coalesce(v.quantity, 0) AS inInventories, coalesce(e.quantity, 0) AS inEscrow
        FROM items i
        LEFT JOIN (
          SELECT item_id,
            SUM(CASE WHEN kind = 'grant' THEN quantity ELSE 0 END) AS granted,
            SUM(CASE WHEN kind = 'revoke' THEN quantity ELSE 0 END) AS revoked
          FROM ledger GROUP BY item_id
        ) g ON g.item_id = i.id
        LEFT JOIN (SELECT item_id, SUM(quantity) AS quantity FROM inventories GROUP BY item_id) v ON v.item_id = i.id
        LEFT JOIN (
          SELECT item_id, SUM(held) AS quantity
          FROM (SELECT item_id, held FROM offer_lines UNION ALL SELECT item_id, held FROM trade_escrow
                UNION ALL SELECT item_id, held FROM event_entry_items) GROUP BY item_id
        ) e ON e.item_id = i.id
        WHERE coalesce(g.granted, 0) - coalesce(g.revoked, 0) != coalesce(v.quantity, 0) + coalesce(e.quantity, 0)`),
    );
    none(
      'conservation',
      'a ledger row moves a non-positive quantity',
      all(`SELECT id, kind, item_id AS itemId, quantity FROM ledger WHERE quantity <= 0`),
    );

    // Escrow only on live offers; what an active offer holds is exactly what it gives.
    none(
      'escrow only on active offers',
      'a closed offer still holds items in escrow',
      all(`
        SELECT l.offer_id AS offerId, o.status, l.side, l.item_id AS itemId, l.held
        FROM offer_lines l JOIN offers o ON o.id = l.offer_id
        WHERE l.held != 0 AND o.status NOT IN ('active', '${IN_SETTLEMENT}')`),
    );
    none(
      'escrow of an active offer',
      'a give line of an active offer does not hold exactly its quantity',
      all(`
        SELECT l.offer_id AS offerId, l.item_id AS itemId, l.quantity, l.held
        FROM offer_lines l JOIN offers o ON o.id = l.offer_id
        WHERE o.status = 'active' AND l.side = 'give' AND l.held != l.quantity`),
    );
    none(
      'escrow of an active offer',
      'a want line holds items (only given items are escrowed)',
      all(`SELECT offer_id AS offerId, item_id AS itemId, quantity, held FROM offer_lines WHERE side = 'want' AND held != 0`),
    );
    // Math-trade event entries: an open entry holds exactly its items, any other holds nothing;
    // a traded entry is one completed trade, naming its receiver.
    none(
      'escrow of an event entry',
      'an open entry does not hold exactly its items, or a closed one still holds some',
      all(`
        SELECT e.id AS entryId, e.status, i.item_id AS itemId, i.quantity, i.held
        FROM event_entry_items i JOIN event_entries e ON e.id = i.entry_id
        WHERE i.held != CASE WHEN e.status = 'open' THEN i.quantity ELSE 0 END`),
    );
    none(
      'event exchange',
      'a traded entry has no completed trade to its receiver, or a trade names an entry that did not trade',
      all(`
        SELECT e.id AS entryId, e.status, e.receiver_id AS receiverId,
          (SELECT count(*) FROM trades t WHERE t.event_entry_id = e.id AND t.status = 'completed' AND t.taker_id = e.receiver_id AND t.owner_id = e.member_id) AS matching,
          (SELECT count(*) FROM trades t WHERE t.event_entry_id = e.id) AS anyTrade
        FROM event_entries e
        WHERE (e.status = 'traded' AND matching != 1) OR (e.status != 'traded' AND anyTrade != 0)`),
    );
    // Trade escrow (confirm settlement): only a trade in settlement holds items, exactly what its offer wants.
    none('never negative', 'a trade escrow holds less than zero', all(`SELECT trade_id AS tradeId, item_id AS itemId, held FROM trade_escrow WHERE held < 0`));
    none(
      'escrow of a trade',
      'a trade in settlement does not hold exactly what its offer wants, or an ended trade still holds items',
      all(`
        SELECT t.id AS tradeId, t.status, l.item_id AS itemId, l.quantity, coalesce(e.held, 0) AS held
        FROM trades t JOIN offer_lines l ON l.offer_id = t.offer_id AND l.side = 'want'
          LEFT JOIN trade_escrow e ON e.trade_id = t.id AND e.item_id = l.item_id
        WHERE coalesce(e.held, 0) != CASE WHEN t.status IN ('pending', 'processing') THEN l.quantity ELSE 0 END`),
    );
    none(
      'settlement',
      'a settling offer does not have exactly one trade in settlement (naming its taker), or another offer has one',
      all(`
        SELECT o.id AS offerId, o.status, o.accepted_by_id AS acceptedById,
          (SELECT count(*) FROM trades t WHERE t.offer_id = o.id AND t.status IN ('pending', 'processing') AND t.taker_id = o.accepted_by_id) AS live,
          (SELECT count(*) FROM trades t WHERE t.offer_id = o.id AND t.status IN ('pending', 'processing')) AS anyLive
        FROM offers o WHERE (o.status = '${IN_SETTLEMENT}' AND live != 1) OR (o.status != '${IN_SETTLEMENT}' AND anyLive != 0)`),
    );
    none(
      'settlement',
      "a trade's timestamps or cancel reason disagree with its state",
      all(`
        SELECT id AS tradeId, status, accepted_at, confirmed_at, completed_at, cancel_reason, due_at FROM trades
        WHERE (status IN ('pending', 'processing') AND (due_at IS NULL OR completed_at IS NOT NULL OR cancel_reason IS NOT NULL))
           OR (status = 'pending' AND (accepted_at IS NOT NULL OR confirmed_at IS NOT NULL))
           OR (status = 'processing' AND accepted_at IS NULL)
           OR (status = 'completed' AND (completed_at IS NULL OR cancel_reason IS NOT NULL OR (accepted_at IS NOT NULL AND confirmed_at IS NULL)))
           OR (status = 'cancelled' AND (cancel_reason IS NULL OR confirmed_at IS NOT NULL))`),
    );
    // The listing's open-lines index sees exactly the lines of active offers.
    none(
      'open lines',
      "an offer line's open flag disagrees with its offer's status (1 exactly while active)",
      all(`
        SELECT l.offer_id AS offerId, o.status, l.side, l.item_id AS itemId, l.open
        FROM offer_lines l JOIN offers o ON o.id = l.offer_id
        WHERE l.open != (o.status = 'active')`),
    );
    none(
      'offer shape',
      'an offer has no give line or no want line',
      all(`
        SELECT o.id AS offerId, o.status,
          (SELECT count(*) FROM offer_lines l WHERE l.offer_id = o.id AND l.side = 'give') AS giveLines,
          (SELECT count(*) FROM offer_lines l WHERE l.offer_id = o.id AND l.side = 'want') AS wantLines
        FROM offers o WHERE giveLines = 0 OR wantLines = 0`),
    );

    // Everything is scoped to a market: no row ties together members, items or offers of two markets.
    const scoped: Array<[string, string]> = [
      [
        'an inventory holds an item of another market',
        `SELECT v.member_id AS memberId, v.item_id AS itemId, m.market_id AS memberMarket, i.market_id AS itemMarket
         FROM inventories v JOIN members m ON m.id = v.member_id JOIN items i ON i.id = v.item_id WHERE m.market_id != i.market_id`,
      ],
      [
        "an offer's owner, target or taker is a member of another market",
        `SELECT o.id AS offerId, o.market_id AS offerMarket, ow.market_id AS ownerMarket, tg.market_id AS targetMarket, tk.market_id AS takerMarket
         FROM offers o JOIN members ow ON ow.id = o.owner_id
           LEFT JOIN members tg ON tg.id = o.target_id LEFT JOIN members tk ON tk.id = o.accepted_by_id
         WHERE ow.market_id != o.market_id OR tg.market_id != o.market_id OR tk.market_id != o.market_id`,
      ],
      [
        'an offer line names an item of another market',
        `SELECT l.offer_id AS offerId, l.item_id AS itemId FROM offer_lines l JOIN offers o ON o.id = l.offer_id JOIN items i ON i.id = l.item_id
         WHERE i.market_id != o.market_id`,
      ],
      [
        "a trade's parties are members of another market",
        `SELECT t.id AS tradeId FROM trades t JOIN members ow ON ow.id = t.owner_id JOIN members tk ON tk.id = t.taker_id
         WHERE ow.market_id != t.market_id OR tk.market_id != t.market_id`,
      ],
      [
        'a ledger row moves an item to or from a place of another market',
        `SELECT l.id AS ledgerId, l.kind, l.market_id AS ledgerMarket FROM ledger l JOIN items i ON i.id = l.item_id
           LEFT JOIN members fm ON fm.id = l.from_member_id LEFT JOIN members tm ON tm.id = l.to_member_id
           LEFT JOIN offers fo ON fo.id = l.from_offer_id LEFT JOIN offers tof ON tof.id = l.to_offer_id
         WHERE i.market_id != l.market_id OR fm.market_id != l.market_id OR tm.market_id != l.market_id
            OR fo.market_id != l.market_id OR tof.market_id != l.market_id`,
      ],
      [
        'a notification goes to a member of another market',
        `SELECT n.id AS outboxId, n.event_key AS eventKey FROM outbox n JOIN members m ON m.id = n.recipient_id WHERE m.market_id != n.market_id`,
      ],
    ];
    for (const [detail, query] of scoped) none('market scope', detail, all(query));

    // 2. Exactly once: a completed offer has one trade, naming its taker; no other offer has one.
    none(
      'exactly once',
      'a completed offer does not have exactly one trade, or has no accepted_by_id',
      all(`
        SELECT o.id AS offerId, o.accepted_by_id AS acceptedById, (SELECT count(*) FROM trades t WHERE t.offer_id = o.id AND t.status != 'cancelled') AS trades
        FROM offers o WHERE o.status = 'completed' AND (o.accepted_by_id IS NULL OR trades != 1)`),
    );
    none(
      'exactly once',
      "a completed offer's trade does not match it (taker, owner, market or trade status)",
      all(`
        SELECT o.id AS offerId, t.id AS tradeId, o.accepted_by_id AS acceptedById, t.taker_id AS takerId,
          o.owner_id AS offerOwner, t.owner_id AS tradeOwner, o.market_id AS offerMarket, t.market_id AS tradeMarket, t.status
        FROM offers o JOIN trades t ON t.offer_id = o.id AND t.status != 'cancelled'
        WHERE o.status = 'completed'
          AND (t.taker_id != o.accepted_by_id OR t.owner_id != o.owner_id OR t.market_id != o.market_id
               OR t.status != 'completed' OR t.completed_at IS NULL OR t.taker_id = t.owner_id)`),
    );
    none(
      'exactly once',
      'an offer that is neither completed nor settling has a trade that did not fall through',
      all(`
        SELECT o.id AS offerId, o.status, t.id AS tradeId, t.status AS tradeStatus
        FROM offers o JOIN trades t ON t.offer_id = o.id AND t.status != 'cancelled'
        WHERE o.status NOT IN ('completed', '${IN_SETTLEMENT}')`),
    );
    none(
      'exactly once',
      "a completed trade's offer is not completed",
      all(`
        SELECT t.id AS tradeId, t.offer_id AS offerId, o.status AS offerStatus
        FROM trades t LEFT JOIN offers o ON o.id = t.offer_id
        WHERE t.status = 'completed' AND t.event_entry_id IS NULL AND (o.id IS NULL OR o.status != 'completed')`),
    );
    none(
      'exactly once',
      'an offer that was not accepted names a taker',
      all(`SELECT id AS offerId, status, accepted_by_id AS acceptedById FROM offers WHERE accepted_by_id IS NOT NULL AND status NOT IN ('completed', '${IN_SETTLEMENT}')`),
    );
    none(
      'offer lifecycle',
      'closed_at is set on an offer that is still open, or missing on one that ended',
      all(`
        SELECT id AS offerId, status, closed_at AS closedAt FROM offers
        WHERE (status IN ('active', '${IN_SETTLEMENT}') AND closed_at IS NOT NULL)
           OR (status NOT IN ('active', '${IN_SETTLEMENT}') AND closed_at IS NULL)`),
    );

    // Counter-offers: a counter is made to its original's owner, by someone else, and never
    // outlives its original: it may be open while the original is open or being settled (it
    // waits), or when it replaced a directed original; the core's counterMayStayOpen says the same.
    none(
      'counter-offers',
      "a counter is not made to its original's owner, is made by that owner, or crosses markets",
      all(`
        SELECT c.id AS counterId, c.owner_id AS ownerId, c.target_id AS targetId, o.id AS originalId, o.owner_id AS originalOwner
        FROM offers c JOIN offers o ON o.id = c.counter_to_id
        WHERE c.target_id IS NOT o.owner_id OR c.owner_id = o.owner_id OR c.market_id != o.market_id`),
    );
    none(
      'counter-offers',
      'an open counter outlives the offer it answers',
      all(`
        SELECT c.id AS counterId, o.id AS originalId, o.status AS originalStatus
        FROM offers c JOIN offers o ON o.id = c.counter_to_id
        WHERE c.status = 'active' AND NOT (o.status IN ('active', '${IN_SETTLEMENT}') OR (o.status = 'countered' AND o.target_id = c.owner_id))`),
    );
    // A public offer closes as countered only when a counter to it is accepted, which gives that
    // counter a trade. The trade may since have fallen through (confirm settlement): the counter
    // then ended, closed like any counter whose original ended (the check above keeps it closed).
    none(
      'counter-offers',
      'an offer closed as countered has no counter that closed it (an accepted one, for a public offer)',
      all(`
        SELECT o.id AS offerId, o.target_id AS targetId FROM offers o
        WHERE o.status = 'countered' AND NOT EXISTS (
          SELECT 1 FROM offers c WHERE c.counter_to_id = o.id
            AND (o.target_id IS NOT NULL OR EXISTS (SELECT 1 FROM trades t WHERE t.offer_id = c.id)))`),
    );
    none(
      'counter-offers',
      'a counter whose accepted settlement fell through after its public original closed did not end as a counter that outlived its original',
      all(`
        SELECT c.id AS counterId, c.status, c.close_reason AS closeReason FROM offers c JOIN offers o ON o.id = c.counter_to_id
        WHERE o.status = 'countered' AND o.target_id IS NULL
          AND EXISTS (SELECT 1 FROM trades t WHERE t.offer_id = c.id AND t.status = 'cancelled')
          AND NOT EXISTS (SELECT 1 FROM trades t WHERE t.offer_id = c.id AND t.status != 'cancelled')
          AND NOT (c.status = 'declined' AND c.close_reason = 'original_ended')`),
    );

    // 5. Nothing is lost, nobody is told twice: each ended offer has exactly one owner-facing
    // notification for its ending (none for an ending the owner caused themselves), and no
    // notification for an ending it did not have.
    const endingKeys = [...ENDING_SUFFIXES, LOOPED_SUFFIX].map((suffix) => `'offer:' || o.id || ':${suffix}'`).join(', ');
    // An offer completed in a loop tells its owner the whole loop in one message, under its own suffix.
    const inLoop = `EXISTS (SELECT 1 FROM trades lt WHERE lt.offer_id = o.id AND lt.loop_id IS NOT NULL)`;
    // NULL for a silent ending: no notification is expected, so any one found is wrong.
    const expectedKey = `CASE WHEN ${CLOSED_BY_ACCEPTED_COUNTER} THEN NULL ELSE 'offer:' || o.id || ':' || CASE WHEN o.status = 'completed' AND ${inLoop} THEN '${LOOPED_SUFFIX}' ELSE CASE o.status ${Object.entries(ENDING_EVENT_SUFFIX)
      .filter(([status]) => TOLD_STATUSES.includes(status))
      .map(([status, suffix]) => `WHEN '${status}' THEN '${suffix}'`)
      .join(' ')} END END END`;
    none(
      'nothing is lost',
      'an ended offer does not have exactly one owner notification for its ending',
      all(`
        SELECT o.id AS offerId, o.status, o.owner_id AS ownerId,
          (SELECT count(*) FROM outbox n WHERE n.event_key = ${expectedKey} AND n.recipient_id = o.owner_id AND n.market_id = o.market_id) AS notices
        FROM offers o
        WHERE o.status IN (${inList(TOLD_STATUSES)}) AND NOT ${CLOSED_BY_ACCEPTED_COUNTER} AND notices != 1 AND NOT ${SETTLED}`),
    );
    none(
      'nothing is lost',
      'an offer has a notification for an ending it did not have, or for one its owner caused',
      all(`
        SELECT o.id AS offerId, o.status, n.event_key AS eventKey, n.recipient_id AS recipientId
        FROM offers o JOIN outbox n ON n.event_key IN (${endingKeys})
        WHERE o.status NOT IN (${inList(TERMINAL_STATUSES)})
           OR n.event_key IS NOT ${expectedKey}
           OR n.recipient_id != o.owner_id`),
    );
    none(
      'nothing is lost',
      'an accepted offer did not notify its taker exactly once',
      all(`
        SELECT o.id AS offerId, o.accepted_by_id AS takerId,
          (SELECT count(*) FROM outbox n WHERE n.event_key = 'offer:' || o.id || ':taken' AND n.recipient_id = o.accepted_by_id) AS notices
        FROM offers o WHERE o.status = 'completed' AND NOT ${inLoop} AND notices != 1 AND NOT ${SETTLED}`),
    );
    none(
      'nothing is lost',
      'an offer completed in a loop sent its receiver an accept-style message (the loop message says it all)',
      all(`SELECT o.id AS offerId, n.event_key AS eventKey FROM offers o JOIN outbox n ON n.event_key = 'offer:' || o.id || ':taken' WHERE ${inLoop}`),
    );

    // Loops: all legs or none, and every owner received at least what their offer wanted, from
    // the one leg of the loop whose taker they are.
    none(
      'loops',
      'a loop does not have exactly as many completed trades as its size',
      all(`SELECT l.id AS loopId, l.size, (SELECT count(*) FROM trades t WHERE t.loop_id = l.id AND t.status = 'completed') AS trades FROM offer_loops l WHERE trades != l.size`),
    );
    none(
      'loops',
      "a loop member did not receive from exactly one leg, or that leg's give does not cover what their offer wanted",
      all(`
        SELECT t.loop_id AS loopId, t.offer_id AS offerId, t.owner_id AS ownerId,
          (SELECT count(*) FROM trades r WHERE r.loop_id = t.loop_id AND r.taker_id = t.owner_id) AS received,
          (SELECT count(*) FROM offer_lines w WHERE w.offer_id = t.offer_id AND w.side = 'want' AND NOT EXISTS (
             SELECT 1 FROM trades r JOIN offer_lines g ON g.offer_id = r.offer_id AND g.side = 'give'
             WHERE r.loop_id = t.loop_id AND r.taker_id = t.owner_id AND g.item_id = w.item_id AND g.quantity >= w.quantity)) AS uncovered
        FROM trades t WHERE t.loop_id IS NOT NULL AND (received != 1 OR uncovered != 0)`),
    );
    checkSettlementNotifications(all);

    // Search (issue 13): the full-text index holds exactly the active offers, each findable by
    // the current names of its items, kept so by the transactions that changed them.
    none(
      'search index',
      'an active offer is missing from the search index, or another offer is in it',
      all(`SELECT o.id AS offerId, o.status FROM offers o WHERE o.status = 'active' AND o.id NOT IN (SELECT rowid FROM offer_search)
           UNION ALL SELECT s.rowid AS offerId, 'not active' FROM offer_search s WHERE s.rowid NOT IN (SELECT id FROM offers WHERE status = 'active')`),
    );
    none(
      'search index',
      'an active offer is not found by the name of one of its items',
      all(`SELECT o.id AS offerId, i.slug FROM offers o JOIN offer_lines l ON l.offer_id = o.id JOIN items i ON i.id = l.item_id
           WHERE o.status = 'active' AND NOT EXISTS (
             SELECT 1 FROM offer_search WHERE offer_search MATCH '"' || replace(i.slug, '-', ' ') || '"' AND offer_search.rowid = o.id)`),
    );
  });
  check.deferred();
}
