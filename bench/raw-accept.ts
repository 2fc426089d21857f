/**
 * The baseline for accept throughput: the same transaction as `core.acceptOffer`, hand-written
 * on better-sqlite3 with statements prepared once. Same statements in the same order as the core
 * issues them (checked by the accept section, which compares both databases row for row):
 *
 *   BEGIN IMMEDIATE
 *   offer row; taker member; offer lines joined to items; owner member (the core reads it in
 *   `offerView`, and the taker's notification needs the owner's name); taker holding per wanted item;
 *   guarded UPDATE offers -> completed (the cards trigger fires here, as in the core);
 *   UPDATE offer_lines -> not open;
 *   per wanted item: guarded debit of the taker, upsert credit of the owner, ledger row (swap);
 *   per given item: guarded decrement of offer_lines.held, upsert credit of the taker, ledger row (release);
 *   trade insert (RETURNING id); two outbox inserts with JSON payloads
 *   COMMIT
 */
import type BetterSqlite3 from 'better-sqlite3';

interface OfferRow {
  id: number;
  market_id: number;
  owner_id: number;
  target_id: number | null;
  status: string;
  expires_at: number;
}
interface MemberRow {
  id: number;
  display_name: string;
  banned_at: number | null;
}
interface LineRow {
  side: 'give' | 'want';
  quantity: number;
  id: number;
  slug: string;
  name: string;
  emoji: string | null;
}

export interface RawAcceptInput {
  marketId: number;
  offerId: number;
  takerId: number;
}

export function createRawAccept(sqlite: BetterSqlite3.Database, clock: () => number) {
  const offerById = sqlite.prepare<[number], OfferRow>(
    `SELECT id, market_id, owner_id, target_id, status, note, created_at, expires_at, closed_at, accepted_by_id, close_reason
       FROM offers WHERE id = ?`,
  );
  const memberById = sqlite.prepare<[number], MemberRow>(
    `SELECT id, market_id, platform_user_id, display_name, username, banned_at, ban_reason FROM members WHERE id = ?`,
  );
  const linesOf = sqlite.prepare<[number], LineRow>(
    `SELECT l.side, l.quantity, i.id, i.slug, i.name, i.emoji
       FROM offer_lines l JOIN items i ON i.id = l.item_id
      WHERE l.offer_id = ? ORDER BY l.side, i.name`,
  );
  const holdingOf = sqlite.prepare<[number, number], number>(`SELECT quantity FROM inventories WHERE member_id = ? AND item_id = ?`).pluck();
  const completeOffer = sqlite.prepare<[number, number, number]>(
    `UPDATE offers SET status = 'completed', closed_at = ?, accepted_by_id = ? WHERE id = ? AND status = 'active'`,
  );
  const closeLines = sqlite.prepare<[number]>(`UPDATE offer_lines SET open = 0 WHERE offer_id = ?`);
  const debit = sqlite.prepare<[number, number, number, number]>(
    `UPDATE inventories SET quantity = quantity - ? WHERE member_id = ? AND item_id = ? AND quantity >= ?`,
  );
  const credit = sqlite.prepare<[number, number, number]>(
    `INSERT INTO inventories (member_id, item_id, quantity) VALUES (?, ?, ?)
     ON CONFLICT (member_id, item_id) DO UPDATE SET quantity = quantity + excluded.quantity`,
  );
  const takeFromLine = sqlite.prepare<[number, number, number, number]>(
    `UPDATE offer_lines SET held = held - ? WHERE offer_id = ? AND side = 'give' AND item_id = ? AND held >= ?`,
  );
  const appendLedger = sqlite.prepare<[number, number, string, number, number | null, number | null, number | null, number | null, number, number]>(
    `INSERT INTO ledger (market_id, item_id, kind, quantity, from_member_id, from_offer_id, to_member_id, to_offer_id, actor_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTrade = sqlite
    .prepare<[number, number, number, number, number, number], number>(
      `INSERT INTO trades (market_id, offer_id, owner_id, taker_id, status, created_at, completed_at)
       VALUES (?, ?, ?, ?, 'completed', ?, ?) RETURNING id`,
    )
    .pluck();
  const enqueue = sqlite.prepare<[number, number, string, string, string, number, number]>(
    `INSERT INTO outbox (market_id, recipient_id, kind, payload, event_key, status, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (event_key) DO NOTHING`,
  );

  const notified = (lines: LineRow[]) => lines.map((l) => ({ slug: l.slug, name: l.name, emoji: l.emoji, quantity: l.quantity }));

  const accept = sqlite.transaction((input: RawAcceptInput) => {
    const now = clock();
    const row = offerById.get(input.offerId);
    if (!row || row.market_id !== input.marketId) throw new Error('offer_not_found');
    const taker = memberById.get(input.takerId);
    if (!taker) throw new Error('acting member does not exist');
    if (taker.banned_at !== null) throw new Error('banned');
    if (row.status !== 'active') throw new Error('offer_not_active');
    if (row.expires_at <= now) throw new Error('offer_expired');
    if (row.owner_id === taker.id) throw new Error('own_offer');
    if (row.target_id !== null && row.target_id !== taker.id) throw new Error('not_open_to_you');

    const lines = linesOf.all(row.id);
    const owner = memberById.get(row.owner_id);
    if (!owner) throw new Error('owner missing');
    const give = lines.filter((l) => l.side === 'give');
    const want = lines.filter((l) => l.side === 'want');
    for (const line of want) {
      if ((holdingOf.get(taker.id, line.id) ?? 0) < line.quantity) throw new Error('items_short');
    }

    if (completeOffer.run(now, taker.id, row.id).changes !== 1) throw new Error('offer changed');
    closeLines.run(row.id);
    for (const line of want) {
      if (debit.run(line.quantity, taker.id, line.id, line.quantity).changes !== 1) throw new Error('swap guard failed');
      credit.run(row.owner_id, line.id, line.quantity);
      appendLedger.run(row.market_id, line.id, 'swap', line.quantity, taker.id, null, row.owner_id, null, taker.id, now);
    }
    for (const line of give) {
      if (takeFromLine.run(line.quantity, row.id, line.id, line.quantity).changes !== 1) throw new Error('escrow short');
      credit.run(taker.id, line.id, line.quantity);
      appendLedger.run(row.market_id, line.id, 'release', line.quantity, null, row.id, taker.id, null, taker.id, now);
    }
    const tradeId = insertTrade.get(row.market_id, row.id, row.owner_id, taker.id, now, now);
    if (tradeId === undefined) throw new Error('trade insert returned nothing');

    const ownerGave = notified(give);
    const takerGave = notified(want);
    const accepted = { kind: 'offer_accepted', offerId: row.id, tradeId, takerName: taker.display_name, received: takerGave, gave: ownerGave };
    enqueue.run(row.market_id, row.owner_id, accepted.kind, JSON.stringify(accepted), `offer:${row.id}:accepted`, now, now);
    const taken = { kind: 'trade_completed', offerId: row.id, tradeId, ownerName: owner.display_name, received: ownerGave, gave: takerGave };
    enqueue.run(row.market_id, taker.id, taken.kind, JSON.stringify(taken), `offer:${row.id}:taken`, now, now);
    return tradeId;
  });

  return (input: RawAcceptInput): number => accept.immediate(input);
}
