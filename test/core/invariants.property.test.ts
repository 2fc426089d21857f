/**
 * Property: whatever four members and an admin do, in any order, the market stays sound.
 *
 * Each run is a random sequence of grant / revoke / post / accept / cancel / decline / remove /
 * clock advance / expiry sweep / ban / unban / archive and unarchive of an item, switching the
 * market between instant and confirm settlement, settlement steps (confirm, reject, withdraw)
 * and the settlement timeout sweep, counter (and accepting or declining counters, as the member
 * they were made to), loops of offers (the step through one offer, the sweep, the market's
 * switch), on a fresh SQLite file. A small model predicts each
 * step: which refusals are possible (an operation with no applicable refusal must succeed, one
 * with any must fail with one of them), what moves where, and each offer's status. After every
 * step the database is compared with the model and `checkInvariants` checks DESIGN's invariants.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Result, TradeErrorCode } from '../../src/core/errors.js';
import type { LoopOutcome } from '../../src/core/loops/execute-loop.js';
import type { ItemAmount, ItemRequest, TradeCancelReason } from '../../src/core/types.js';
import type { OfferStatus } from '../../src/db/schema.js';
import { checkInvariants } from '../support/invariants.js';
import { sweepMarket } from '../support/loop-sweep.js';
import { createTestMarket, HOUR, unwrap, type TestMarket } from '../support/market.js';

const CATALOG = ['apple', 'orange', 'pear', 'plum'] as const;
const MEMBERS = 4;
const NUM_RUNS = 120;
/**
 * The runs are the same on every machine, so the checks below that the generators reach every
 * path (some reached a few times in 120 runs) never flake in CI. Set PROPERTY_SEED to explore
 * other sequences; a failure prints its seed and path for fast-check to replay.
 */
const PROPERTY_SEED = Number(process.env['PROPERTY_SEED'] ?? 42);
const MAX_STEPS = 40;
/** An offer id no run ever reaches. */
const MISSING_OFFER = 987_654;

// ---------------------------------------------------------------------------------------------
// Actions

interface Line {
  item: number;
  quantity: number;
}

/** How an action names an offer: one of the model's active offers (or active counters), any offer, or none at all. */
interface OfferPick {
  from: 'active' | 'counter' | 'any' | 'missing';
  n: number;
}

type Action =
  | { kind: 'grant'; member: number; lines: Line[] }
  | { kind: 'revoke'; member: number; item: number; quantity: number }
  /** `fit`: the give side keeps only items the owner holds, each cut down to what they hold (unless that leaves nothing). */
  | { kind: 'post'; owner: number; give: Line[]; want: Line[]; hours: number | undefined; target: number | null; fit: boolean }
  /**
   * `topUp`: the admin first grants the taker whatever the offer wants that they lack.
   * `asTarget`: the member a directed offer was made to acts, instead of `member`.
   */
  | { kind: 'accept'; member: number; offer: OfferPick; topUp: boolean; asTarget: boolean }
  | { kind: 'cancel'; member: number; offer: OfferPick }
  | { kind: 'decline'; member: number; offer: OfferPick; asTarget: boolean }
  /** Answers an offer with `give`/`want` (`fit` and `asTarget` as for post and accept). */
  | { kind: 'counter'; member: number; offer: OfferPick; give: Line[]; want: Line[]; fit: boolean; asTarget: boolean }
  | { kind: 'remove'; offer: OfferPick }
  | { kind: 'advance'; hours: number }
  | { kind: 'expire'; hours: number; batch: number }
  | { kind: 'ban'; member: number }
  | { kind: 'unban'; member: number }
  /**
   * Archives (`archived: true`) or brings back an item: it moves nothing, only what new offers and
   * grants may name. `clear`: the admin first revokes it from everyone who holds it, as they must
   * before archiving (open offers and settlements still stand in the way).
   */
  | { kind: 'archive'; item: number; archived: boolean; clear: boolean }
  /** Switches the market's settlement: accepts after it start pending trades (`confirm`) or swap at once. */
  | { kind: 'mode'; confirm: boolean }
  /** A settlement step on one of the model's trades (or a missing one), by its owner, its taker or any member. */
  | { kind: 'settle'; op: 'confirm' | 'reject' | 'withdraw'; by: 'next' | 'owner' | 'taker' | number; trade: OfferPick }
  /** The clock moves on and the settlement sweep runs in batches. */
  | { kind: 'timeouts'; hours: number; batch: number }
  /**
   * Posts the offer that closes a path of up to `length` open offers (each giving what the next
   * wants) into a loop: it gives what the first wants and wants what the last gives. So loops of
   * 2, 3 and 4 form often; the `loops` action executes them.
   */
  | { kind: 'closeLoop'; owner: number; offer: OfferPick; length: number; hours: number }
  /** The loop step through one offer, or the sweep over the market. */
  | { kind: 'loops'; how: 'step' | 'sweep'; offer: OfferPick }
  | { kind: 'loopSwitch'; on: boolean };

const memberArb = fc.integer({ min: 0, max: MEMBERS - 1 });
const itemArb = fc.integer({ min: 0, max: CATALOG.length - 1 });
// Mostly small amounts; sometimes far more than anyone holds.
const quantityArb = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 40 }) });
const lineArb = fc.record({ item: itemArb, quantity: quantityArb });
/**
 * The two sides of an offer. Mostly well formed (distinct items on each side, split from one
 * shuffle of the catalog); sometimes raw lists that may repeat an item (the core merges repeats),
 * put one item on both sides, or leave a side empty.
 */
const sidesArb: fc.Arbitrary<{ give: Line[]; want: Line[] }> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .tuple(
        fc.shuffledSubarray([0, 1, 2, 3], { minLength: 2, maxLength: 4 }),
        fc.nat(),
        fc.array(quantityArb, { minLength: 4, maxLength: 4 }),
      )
      .map(([order, split, quantities]) => {
        const cut = 1 + (split % (order.length - 1));
        const line = (item: number, index: number): Line => ({ item, quantity: at(quantities, index) });
        return { give: order.slice(0, cut).map(line), want: order.slice(cut).map((item, index) => line(item, cut + index)) };
      }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      give: fc.array(lineArb, { minLength: 0, maxLength: 3 }),
      want: fc.array(lineArb, { minLength: 0, maxLength: 3 }),
    }),
  },
);
const hoursArb = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 48 }) },
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(0, 721, 2.5) },
);
const offerPickArb: fc.Arbitrary<OfferPick> = fc.record({
  from: fc.oneof({ weight: 8, arbitrary: fc.constant('active' as const) }, { weight: 3, arbitrary: fc.constant('any' as const) }, { weight: 1, arbitrary: fc.constant('missing' as const) }),
  n: fc.nat({ max: 1000 }),
});

const counterPickArb: fc.Arbitrary<OfferPick> = fc.record({ from: fc.constant('counter' as const), n: fc.nat({ max: 1000 }) });

/** True four times in five: the member a counter was made to, mostly, with strangers now and then. */
const mostlyArb = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('grant' as const),
      member: memberArb,
      lines: fc.array(fc.record({ item: itemArb, quantity: fc.integer({ min: 1, max: 10 }) }), { minLength: 1, maxLength: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('revoke' as const), member: memberArb, item: itemArb, quantity: quantityArb }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('post' as const),
      owner: memberArb,
      sides: sidesArb,
      hours: hoursArb,
      target: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: memberArb }),
      fit: fc.boolean(),
    }).map(({ sides, ...rest }) => ({ ...rest, ...sides })),
  },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('accept' as const), member: memberArb, offer: offerPickArb, topUp: fc.boolean(), asTarget: fc.constant(false) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), member: memberArb, offer: offerPickArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('decline' as const), member: memberArb, offer: offerPickArb, asTarget: fc.constant(false) }) },
  {
    weight: 6,
    arbitrary: fc
      .record({ kind: fc.constant('counter' as const), member: memberArb, offer: offerPickArb, sides: sidesArb, fit: fc.boolean(), asTarget: fc.boolean() })
      .map(({ sides, ...rest }) => ({ ...rest, ...sides })),
  },
  // Accepting and declining a counter, mostly as the member it was made to.
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('accept' as const), member: memberArb, offer: counterPickArb, topUp: fc.boolean(), asTarget: mostlyArb }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('decline' as const), member: memberArb, offer: counterPickArb, asTarget: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), offer: offerPickArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 0, max: 30 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('expire' as const), hours: fc.integer({ min: 0, max: 30 }), batch: fc.integer({ min: 1, max: 4 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ban' as const), member: memberArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unban' as const), member: memberArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('archive' as const), item: itemArb, archived: fc.boolean(), clear: fc.boolean() }) },
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('closeLoop' as const), owner: memberArb, offer: offerPickArb, length: fc.integer({ min: 1, max: 3 }), hours: fc.integer({ min: 1, max: 48 }) }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('loops' as const), how: fc.constantFrom('step' as const, 'sweep' as const), offer: offerPickArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('loopSwitch' as const), on: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) }) },
);

/** Opening stock: member x item -> quantity. */
const settleArb = fc.record({
  kind: fc.constant('settle' as const),
  op: fc.constantFrom('confirm' as const, 'confirm' as const, 'confirm' as const, 'reject' as const, 'reject' as const, 'withdraw' as const),
  // `next`: the side whose step the trade waits for, so runs get through whole settlements.
  by: fc.oneof({ weight: 3, arbitrary: fc.constant('next' as const) }, { weight: 3, arbitrary: fc.constantFrom('owner' as const, 'taker' as const) }, { weight: 1, arbitrary: memberArb }),
  trade: offerPickArb,
});
const settlementActionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('mode' as const), confirm: fc.boolean() }) },
  { weight: 10, arbitrary: settleArb },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('timeouts' as const), hours: fc.integer({ min: 0, max: 80 }), batch: fc.integer({ min: 1, max: 3 }) }) },
);
const anyActionArb: fc.Arbitrary<Action> = fc.oneof({ weight: 3, arbitrary: actionArb }, { weight: 2, arbitrary: settlementActionArb });

const stockArb = fc.array(fc.array(fc.integer({ min: 0, max: 8 }), { minLength: CATALOG.length, maxLength: CATALOG.length }), {
  minLength: MEMBERS,
  maxLength: MEMBERS,
});

// ---------------------------------------------------------------------------------------------
// Model

interface ModelOffer {
  id: number;
  owner: number;
  target: number | null;
  /** item index -> quantity, repeats merged. */
  give: Map<number, number>;
  want: Map<number, number>;
  expiresAt: number;
  status: OfferStatus;
  acceptedBy: number | null;
  /** The offer this one counters. */
  counterTo: number | null;
}

/** A trade started under confirm settlement, as the model sees it. */
interface ModelTrade {
  id: number;
  offer: ModelOffer;
  taker: number;
  status: 'pending' | 'processing' | 'completed' | 'cancelled';
  handedOver: boolean;
  dueAt: number;
}

/** The market's step hours (the defaults; the property does not change them). */
const SETTLEMENT_HOURS = { accept: 24, confirm: 72, receipt: 72 };

interface Model {
  /** inventory[member][item] */
  inventory: number[][];
  confirm: boolean;
  trades: ModelTrade[];
  banned: boolean[];
  /** archived[item] */
  archived: boolean[];
  offers: ModelOffer[];
  /** The market's loop setting. */
  loopsOn: boolean;
}

function at<T>(values: readonly T[], index: number): T {
  const value = values[index];
  if (value === undefined) throw new Error(`index ${index} out of range`);
  return value;
}

const merge = (lines: readonly Line[]) => {
  const merged = new Map<number, number>();
  for (const { item, quantity } of lines) merged.set(item, (merged.get(item) ?? 0) + quantity);
  return merged;
};

/** Everything one run needs: the real market and the model of it. */
class Harness {
  readonly members: number[];
  readonly adminId: number;
  readonly itemIds: number[];
  readonly model: Model;

  constructor(readonly t: TestMarket) {
    this.members = Array.from({ length: MEMBERS }, (_, i) => t.member(`m${i}`).id);
    this.adminId = t.member('admin').id;
    this.itemIds = CATALOG.map((name) => {
      const item = t.core.findItem(t.market.id, name);
      if (!item) throw new Error(`catalog item ${name} missing`);
      return item.id;
    });
    this.model = {
      inventory: Array.from({ length: MEMBERS }, () => CATALOG.map(() => 0)),
      banned: Array.from({ length: MEMBERS }, () => false),
      archived: CATALOG.map(() => false),
      offers: [],
      confirm: false,
      trades: [],
      loopsOn: true,
    };
  }

  memberId = (index: number) => at(this.members, index);
  memberIndex = (id: number) => {
    const index = this.members.indexOf(id);
    if (index < 0) throw new Error(`member id ${id} is not one of the traders`);
    return index;
  };
  itemIndex = (id: number) => {
    const index = this.itemIds.indexOf(id);
    if (index < 0) throw new Error(`item id ${id} is not in the catalog`);
    return index;
  };
  requests = (lines: readonly Line[]): ItemRequest[] => lines.map(({ item, quantity }) => ({ name: at(CATALOG, item), quantity }));
  amounts = (amounts: readonly ItemAmount[]) => new Map(amounts.map(({ item, quantity }) => [this.itemIndex(item.id), quantity]));

  held(member: number, item: number) {
    return at(at(this.model.inventory, member), item);
  }
  move(member: number, items: Map<number, number>, sign: 1 | -1) {
    const row = at(this.model.inventory, member);
    for (const [item, quantity] of items) row[item] = at(row, item) + sign * quantity;
  }

  pick(pick: OfferPick): ModelOffer | undefined {
    if (pick.from === 'missing') return undefined;
    const active = this.model.offers.filter((offer) => offer.status === 'active' && (pick.from !== 'counter' || offer.counterTo !== null));
    const pool = (pick.from === 'active' || pick.from === 'counter') && active.length > 0 ? active : this.model.offers;
    return pool.length === 0 ? undefined : at(pool, pick.n % pool.length);
  }

  offer(id: number): ModelOffer {
    const found = this.model.offers.find((offer) => offer.id === id);
    if (!found) throw new Error(`offer ${id} is not in the model`);
    return found;
  }

  /** The counter's original while it is still open: accepting the counter would close it. */
  openOriginalOf(offer: ModelOffer): ModelOffer | undefined {
    const original = offer.counterTo === null ? undefined : this.offer(offer.counterTo);
    return original?.status === 'active' ? original : undefined;
  }

  /**
   * Whether a counter may be open while its original is as it is now (the core's
   * counterMayStayOpen): the original open or being settled, or a directed one it replaced.
   */
  counterMayStayOpen(counter: ModelOffer): boolean {
    if (counter.counterTo === null) return true;
    const original = this.offer(counter.counterTo);
    return original.status === 'active' || original.status === 'settling' || (original.status === 'countered' && original.target === counter.owner);
  }

  /** A counter ends with its original: every open one but `spare` closes, its counterer refunded. */
  endCountersOf(original: ModelOffer, spare?: number) {
    for (const counter of this.model.offers) {
      if (counter.counterTo !== original.id || counter.status !== 'active' || counter.id === spare) continue;
      counter.status = 'declined';
      this.move(counter.owner, counter.give, +1);
      stats.endedWithOriginal += 1;
    }
  }

  /** What the member holds right now, read from the database (not the model). */
  dbHoldings(memberId: number): Map<number, number> {
    const rows = this.t.db.sqlite
      .prepare<[number], { itemId: number; quantity: number }>('SELECT item_id AS itemId, quantity FROM inventories WHERE member_id = ?')
      .all(memberId);
    return new Map(rows.map((row) => [this.itemIndex(row.itemId), row.quantity]));
  }

  /** The database agrees with the model: every inventory, every offer's status and taker, every ban. */
  compareWithModel(): void {
    const { sqlite } = this.t.db;
    const actual = Array.from({ length: MEMBERS }, () => CATALOG.map(() => 0));
    for (const row of sqlite.prepare<[], { memberId: number; itemId: number; quantity: number }>('SELECT member_id AS memberId, item_id AS itemId, quantity FROM inventories').all()) {
      at(actual, this.memberIndex(row.memberId))[this.itemIndex(row.itemId)] = row.quantity;
    }
    expect(actual, 'inventories (member x item) differ from the model').toEqual(this.model.inventory);

    const offers = sqlite
      .prepare<[], { id: number; status: OfferStatus; acceptedById: number | null }>('SELECT id, status, accepted_by_id AS acceptedById FROM offers ORDER BY id')
      .all()
      .map((row) => ({ id: row.id, status: row.status, acceptedBy: row.acceptedById === null ? null : this.memberIndex(row.acceptedById) }));
    expect(offers, 'offer statuses differ from the model').toEqual(
      this.model.offers.map((offer) => ({ id: offer.id, status: offer.status, acceptedBy: offer.acceptedBy })),
    );

    const trades = sqlite
      .prepare<[], { id: number; status: string; handedOver: number }>('SELECT id, status, confirmed_at IS NOT NULL AS handedOver FROM trades WHERE accepted_at IS NOT NULL OR status != \'completed\' ORDER BY id')
      .all();
    expect(trades, 'settlement trades differ from the model').toEqual(
      this.model.trades.map((trade) => ({ id: trade.id, status: trade.status, handedOver: trade.handedOver ? 1 : 0 })),
    );

    const banned = this.members.map((id) => this.t.core.getMember(id)?.bannedAt !== null);
    expect(banned, 'bans differ from the model').toEqual(this.model.banned);

    const archived = CATALOG.map((name) => this.t.core.findItem(this.t.market.id, name)?.archivedAt !== null);
    expect(archived, 'archived items differ from the model').toEqual(this.model.archived);
  }
}

/**
 * Checks `result` against the refusals the model found applicable: none -> it must succeed;
 * some -> it must fail with one of them. Returns the value on success.
 */
function expectOutcome<T>(result: Result<T>, reasons: readonly TradeErrorCode[], what: string): T | undefined {
  if (reasons.length === 0) {
    if (!result.ok) throw new Error(`${what}: expected success, got ${JSON.stringify(result.error)}`);
    return result.value;
  }
  if (result.ok) throw new Error(`${what}: expected a refusal (${reasons.join(' | ')}), but it succeeded`);
  if (!reasons.includes(result.error.code)) {
    throw new Error(`${what}: expected a refusal (${reasons.join(' | ')}), got ${JSON.stringify(result.error)}`);
  }
  return undefined;
}

/** Gives only what the member holds, each line cut down to it, unless that leaves nothing. */
function fitted(h: Harness, member: number, lines: readonly Line[], fit: boolean): Line[] {
  const affordable = lines
    .filter(({ item }) => h.held(member, item) > 0)
    .map(({ item, quantity }) => ({ item, quantity: Math.min(quantity, h.held(member, item)) }));
  return fit && affordable.length > 0 ? affordable : [...lines];
}

/** A counter: predicted like a post, plus who may counter what; a directed original closes. */
function stepCounter(h: Harness, action: Extract<Action, { kind: 'counter' }>, what: string, now: number): void {
  const { t, model } = h;
  const original = h.pick(action.offer);
  const member = action.asTarget && original?.target != null ? original.target : action.member;
  const giveLines = fitted(h, member, action.give, action.fit);
  const give = merge(giveLines);
  const want = merge(action.want);

  const reasons: TradeErrorCode[] = [];
  if (model.banned[member]) reasons.push('banned');
  if (!original) reasons.push('offer_not_found');
  else if (original.status !== 'active') reasons.push('offer_not_active');
  else if (original.expiresAt <= now) reasons.push('offer_expired');
  else if (original.owner === member || (original.target !== null && original.target !== member)) reasons.push('cannot_counter');
  else if (model.offers.some((o) => o.counterTo === original.id && o.owner === member && o.status === 'active')) reasons.push('counter_exists');
  else {
    if (give.size === 0 || want.size === 0) reasons.push('no_items');
    if ([...give.keys()].some((item) => want.has(item))) reasons.push('item_on_both_sides');
    if ([...give].some(([item, quantity]) => h.held(member, item) < quantity)) reasons.push('items_short');
    if ([...give.keys(), ...want.keys()].some((item) => model.archived[item])) reasons.push('item_archived');
  }

  const before = h.dbHoldings(h.memberId(member));
  const result = t.core.counterOffer({ marketId: t.market.id, offerId: original?.id ?? MISSING_OFFER, memberId: h.memberId(member), give: h.requests(giveLines), want: h.requests(action.want) });
  const made = expectOutcome(result, reasons, what);
  if (!made || !original) {
    expect(h.dbHoldings(h.memberId(member)), `${what}: a refused counter moved items`).toEqual(before);
    return;
  }
  expect(made.counter).toMatchObject({ status: 'active', counterTo: original.id, owner: { id: h.memberId(member) }, target: { id: h.memberId(original.owner) } });
  expect(h.amounts(made.counter.give), `${what}: counter give`).toEqual(give);
  expect(h.amounts(made.counter.want), `${what}: counter want`).toEqual(want);
  const counter: ModelOffer = {
    id: made.counter.id,
    owner: member,
    target: original.owner,
    give,
    want,
    expiresAt: made.counter.expiresAt,
    status: 'active',
    acceptedBy: null,
    counterTo: original.id,
  };
  model.offers.push(counter);
  h.move(member, give, -1);
  // The original's owner is told once: about the counter, and about the original if it closed.
  const key = original.target === null ? `offer:${counter.id}:directed` : `offer:${original.id}:countered`;
  const told = t.db.sqlite.prepare<[string], { recipientId: number; kind: string }>('SELECT recipient_id AS recipientId, kind FROM outbox WHERE event_key = ?').all(key);
  expect(told, `${what}: the original's owner is told`).toEqual([{ recipientId: h.memberId(original.owner), kind: 'counter_received' }]);
  if (original.target !== null) {
    expect(made.original.status).toBe('countered');
    original.status = 'countered';
    h.move(original.owner, original.give, +1);
    h.endCountersOf(original, counter.id);
  }
}

// ---------------------------------------------------------------------------------------------
// One step: predict, act, compare

function step(h: Harness, action: Action): void {
  const { t, model } = h;
  const { core, market } = t;
  const now = t.clock();
  const what = JSON.stringify(action);

  /** An expected close with refund: status changes, the owner gets back exactly what the offer gave. */
  const refund = (offer: ModelOffer, status: OfferStatus, spare?: number) => {
    offer.status = status;
    h.move(offer.owner, offer.give, +1);
    h.endCountersOf(offer, spare);
  };
  const expectReturned = (offer: ModelOffer, returned: readonly ItemAmount[]) =>
    expect(h.amounts(returned), `${what}: items returned to the owner of offer ${offer.id}`).toEqual(offer.give);

  switch (action.kind) {
    case 'grant': {
      const reasons: TradeErrorCode[] = action.lines.some(({ item }) => model.archived[item]) ? ['item_archived'] : [];
      const before = h.dbHoldings(h.memberId(action.member));
      const granted = expectOutcome(core.grantItems(market.id, h.adminId, h.memberId(action.member), h.requests(action.lines)), reasons, what);
      if (!granted) {
        expect(h.dbHoldings(h.memberId(action.member)), `${what}: a refused grant moved items`).toEqual(before);
        stats.archivedRefusals += 1;
        break;
      }
      expect(h.amounts(granted), `${what}: granted`).toEqual(merge(action.lines));
      h.move(action.member, merge(action.lines), +1);
      break;
    }

    case 'revoke': {
      const have = h.held(action.member, action.item);
      const result = core.revokeItems(market.id, h.adminId, h.memberId(action.member), h.requests([action]));
      if (expectOutcome(result, have < action.quantity ? ['items_short'] : [], what)) {
        h.move(action.member, new Map([[action.item, action.quantity]]), -1);
      } else if (!result.ok && result.error.code === 'items_short') {
        expect(result.error.shortages.map((s) => ({ missing: s.missing, have: s.have }))).toEqual([{ missing: action.quantity - have, have }]);
      }
      break;
    }

    case 'post': {
      const giveLines = fitted(h, action.owner, action.give, action.fit);
      const give = merge(giveLines);
      const want = merge(action.want);
      const hours = action.hours ?? 24;
      const shortages = [...give].filter(([item, quantity]) => h.held(action.owner, item) < quantity);
      const reasons: TradeErrorCode[] = [];
      if (model.banned[action.owner]) reasons.push('banned');
      if (!Number.isInteger(hours) || hours < 1 || hours > 720) reasons.push('invalid_hours');
      if (give.size === 0 || want.size === 0) reasons.push('no_items');
      if ([...give.keys()].some((item) => want.has(item))) reasons.push('item_on_both_sides');
      if (action.target !== null && action.target === action.owner) reasons.push('target_is_self');
      if (action.target !== null && action.target !== action.owner && model.banned[action.target]) reasons.push('member_banned');
      if (shortages.length > 0) reasons.push('items_short');
      if ([...give.keys(), ...want.keys()].some((item) => model.archived[item])) reasons.push('item_archived');

      const before = h.dbHoldings(h.memberId(action.owner));
      const result = core.postOffer({
        marketId: market.id,
        ownerId: h.memberId(action.owner),
        give: h.requests(giveLines),
        want: h.requests(action.want),
        hours: action.hours,
        targetId: action.target === null ? null : h.memberId(action.target),
      });
      const posted = expectOutcome(result, reasons, what);
      if (!result.ok && result.error.code === 'item_archived') stats.archivedRefusals += 1;
      if (!posted) {
        if (!result.ok && result.error.code === 'items_short') {
          // Every shortage is reported at once, with what the member holds.
          const reported = result.error.shortages.map((s) => [h.itemIndex(s.item.id), s.missing, s.have]).sort();
          const expected = shortages.map(([item, quantity]) => [item, quantity - h.held(action.owner, item), h.held(action.owner, item)]).sort();
          expect(reported, `${what}: shortages`).toEqual(expected);
        }
        expect(h.dbHoldings(h.memberId(action.owner)), `${what}: a refused post moved items`).toEqual(before);
        break;
      }
      expect(posted.status).toBe('active');
      expect(posted.owner.id).toBe(h.memberId(action.owner));
      expect(posted.target?.id ?? null).toBe(action.target === null ? null : h.memberId(action.target));
      expect(h.amounts(posted.give), `${what}: posted give`).toEqual(give);
      expect(h.amounts(posted.want), `${what}: posted want`).toEqual(want);
      expect(posted.expiresAt).toBe(now + hours * HOUR);
      expect(model.offers.every((offer) => offer.id < posted.id), 'offer ids grow').toBe(true);
      model.offers.push({
        id: posted.id,
        owner: action.owner,
        target: action.target,
        give,
        want,
        expiresAt: posted.expiresAt,
        status: 'active',
        acceptedBy: null,
        counterTo: null,
      });
      h.move(action.owner, give, -1);
      if (action.target !== null) {
        const directed = t.db.sqlite
          .prepare<[string], { recipientId: number }>('SELECT recipient_id AS recipientId FROM outbox WHERE event_key = ?')
          .all(`offer:${posted.id}:directed`);
        expect(directed, `${what}: the target is told once`).toEqual([{ recipientId: h.memberId(action.target) }]);
      }
      break;
    }

    case 'accept': {
      const offer = h.pick(action.offer);
      const member = action.asTarget && offer?.target != null ? offer.target : action.member;
      // Accepting a counter to one's own open offer closes that offer, whose escrow then counts.
      const original = offer && h.openOriginalOf(offer);
      const originalTaken = original !== undefined && original.expiresAt > now && original.owner === member;
      const available = (item: number) => h.held(member, item) + (originalTaken ? (original.give.get(item) ?? 0) : 0);
      if (action.topUp && offer) {
        // An archived item cannot be granted: a taker who lacks one stays short of it.
        const lacking = [...offer.want]
          .map(([item, quantity]) => ({ item, quantity: quantity - available(item) }))
          .filter((line) => line.quantity > 0 && !model.archived[line.item]);
        if (lacking.length > 0) {
          unwrap(core.grantItems(market.id, h.adminId, h.memberId(member), h.requests(lacking)));
          h.move(member, merge(lacking), +1);
          h.compareWithModel();
          checkInvariants(t);
        }
      }
      const offerId = offer?.id ?? MISSING_OFFER;
      const reasons: TradeErrorCode[] = [];
      if (model.banned[member]) reasons.push('banned');
      // An offer that is no longer available is refused as such, whatever else is wrong with the
      // attempt (only a ban of the taker may be reported instead).
      if (!offer) reasons.push('offer_not_found');
      else if (offer.status !== 'active') reasons.push('offer_not_active');
      else if (offer.expiresAt <= now) reasons.push('offer_expired');
      else if (offer.owner === member) reasons.push('own_offer');
      else if (offer.target !== null && offer.target !== member) reasons.push('not_open_to_you');
      else if (offer.counterTo !== null && h.offer(offer.counterTo).status === 'settling') reasons.push('counter_original_in_settlement');
      else if (original && !originalTaken) reasons.push('counter_original_ended');
      else if ([...offer.want].some(([item, quantity]) => available(item) < quantity)) reasons.push('items_short');

      const takerId = h.memberId(member);
      const ownerId = offer ? h.memberId(offer.owner) : undefined;
      const takerBefore = h.dbHoldings(takerId);
      const ownerBefore = ownerId === undefined ? undefined : h.dbHoldings(ownerId);
      const result = core.acceptOffer({ marketId: market.id, offerId, takerId });
      const accepted = expectOutcome(result, reasons, what);
      if (!accepted || !offer || ownerId === undefined || !ownerBefore) {
        expect(h.dbHoldings(takerId), `${what}: a refused accept moved the taker's items`).toEqual(takerBefore);
        if (ownerId !== undefined) expect(h.dbHoldings(ownerId), `${what}: a refused accept moved the owner's items`).toEqual(ownerBefore);
        break;
      }
      if (originalTaken) refund(original, 'countered', offer.id);
      if (model.confirm) {
        // What comes back to the taker at once: the original their counter answered. The counters to
        // the offer taken (the taker's own too) wait: they end only when the settlement completes.
        const returned = originalTaken ? [original.give] : [];
        acceptIntoSettlement(h, offer, member, accepted, takerBefore, ownerBefore, what, returned);
        break;
      }
      // Exactly the offer's items moved: the taker pays `want` and gets `give` (and their own
      // countered offer's escrow back); the owner gets `want`.
      const delta = (before: Map<number, number>, after: Map<number, number>) =>
        new Map(CATALOG.map((_, item) => [item, (after.get(item) ?? 0) - (before.get(item) ?? 0)] as const).filter(([, d]) => d !== 0));
      const expectedTaker = new Map<number, number>();
      const add = (items: Map<number, number>, sign: 1 | -1) => {
        for (const [item, quantity] of items) expectedTaker.set(item, (expectedTaker.get(item) ?? 0) + sign * quantity);
      };
      add(offer.give, +1);
      add(offer.want, -1);
      if (originalTaken) add(original.give, +1);
      // The taker's own counter to the offer they took ends with it, and comes back to them.
      for (const mine of model.offers.filter((o) => o.counterTo === offer.id && o.owner === member && o.status === 'active')) add(mine.give, +1);
      for (const [item, quantity] of expectedTaker) if (quantity === 0) expectedTaker.delete(item);
      expect(delta(takerBefore, h.dbHoldings(takerId)), `${what}: taker's inventory change`).toEqual(expectedTaker);
      expect(delta(ownerBefore, h.dbHoldings(ownerId)), `${what}: owner's inventory change`).toEqual(offer.want);
      expect(accepted.offer.status).toBe('completed');
      expect(accepted.trade.taker.id).toBe(takerId);
      expect(accepted.trade.owner.id).toBe(ownerId);
      expect(accepted.trade.offerId).toBe(offer.id);
      expect(h.amounts(accepted.trade.ownerGave)).toEqual(offer.give);
      expect(h.amounts(accepted.trade.takerGave)).toEqual(offer.want);
      expect(accepted.original?.offerId, `${what}: the original closed with the counter`).toBe(originalTaken ? original.id : undefined);

      offer.status = 'completed';
      offer.acceptedBy = member;
      h.move(member, offer.want, -1);
      h.move(member, offer.give, +1);
      h.move(offer.owner, offer.want, +1);
      h.endCountersOf(offer);
      break;
    }

    case 'counter':
      stepCounter(h, action, what, now);
      break;

    case 'cancel': {
      const offer = h.pick(action.offer);
      const reasons: TradeErrorCode[] = [];
      if (!offer) reasons.push('offer_not_found');
      else {
        if (offer.owner !== action.member) reasons.push('not_offer_owner');
        if (offer.status !== 'active') reasons.push('offer_not_active');
      }
      const result = core.cancelOffer({ marketId: market.id, offerId: offer?.id ?? MISSING_OFFER, memberId: h.memberId(action.member) });
      const closed = expectOutcome(result, reasons, what);
      if (closed && offer) {
        expectReturned(offer, closed.returned);
        // Past its expiry the offer had ended by time: it closes as expired, not cancelled.
        const ending = offer.expiresAt <= now ? 'expired' : 'cancelled';
        expect(closed.offer.status, `${what}: status of the cancelled offer`).toBe(ending);
        refund(offer, ending);
      }
      break;
    }

    case 'decline': {
      const offer = h.pick(action.offer);
      const member = action.asTarget && offer?.target != null ? offer.target : action.member;
      const reasons: TradeErrorCode[] = [];
      if (model.banned[member]) reasons.push('banned');
      if (!offer) reasons.push('offer_not_found');
      else {
        if (offer.target !== member) reasons.push('not_the_target');
        if (offer.status !== 'active') reasons.push('offer_not_active');
        else if (offer.expiresAt <= now) reasons.push('offer_expired');
      }
      const result = core.declineOffer({ marketId: market.id, offerId: offer?.id ?? MISSING_OFFER, memberId: h.memberId(member) });
      const closed = expectOutcome(result, reasons, what);
      if (closed && offer) {
        expectReturned(offer, closed.returned);
        refund(offer, 'declined');
      }
      break;
    }

    case 'remove': {
      const offer = h.pick(action.offer);
      const reasons: TradeErrorCode[] = [];
      if (!offer) reasons.push('offer_not_found');
      else if (offer.status !== 'active') reasons.push('offer_not_active');
      else if (offer.expiresAt <= now) reasons.push('offer_expired');
      const result = core.removeOffer({ marketId: market.id, offerId: offer?.id ?? MISSING_OFFER, adminId: h.adminId, reason: 'spam' });
      const closed = expectOutcome(result, reasons, what);
      if (closed && offer) {
        expectReturned(offer, closed.returned);
        refund(offer, 'removed');
      }
      break;
    }

    case 'advance': {
      t.clock.advance(action.hours * HOUR);
      break;
    }

    case 'expire': {
      t.clock.advance(action.hours * HOUR);
      const due = model.offers.filter((offer) => offer.status === 'active' && offer.expiresAt <= t.clock());
      for (let round = 0; ; round += 1) {
        if (round > model.offers.length + 1) throw new Error(`${what}: the sweep never reports that it is done`);
        const batch = core.expireDueOffers(action.batch);
        expect(batch.expired.length, `${what}: batch size`).toBeLessThanOrEqual(action.batch);
        // In the sweep's order: an expiring original ends its counters, due or not.
        for (const closed of batch.expired) {
          const offer = due.find((candidate) => candidate.id === closed.offer.id);
          if (!offer) throw new Error(`${what}: the sweep expired offer ${closed.offer.id}, which was not due`);
          expect(offer.status, `${what}: offer ${offer.id} expired twice, or after it ended`).toBe('active');
          expectReturned(offer, closed.returned);
          refund(offer, 'expired');
        }
        // Checked between batches too: each batch is its own transaction.
        checkInvariants(t);
        if (!batch.more) break;
      }
      expect(due.filter((offer) => offer.status === 'active').map((offer) => offer.id), `${what}: due offers left open`).toEqual([]);
      break;
    }

    case 'ban': {
      const open = model.offers.filter((offer) => offer.owner === action.member && offer.status === 'active');
      const result = unwrap(core.banMember({ marketId: market.id, adminId: h.adminId, memberId: h.memberId(action.member), reason: 'test' }));
      expect(result.removed.map((closed) => closed.offer.id).sort((a, b) => a - b), `${what}: offers removed by the ban`).toEqual(open.map((offer) => offer.id));
      for (const closed of result.removed) {
        const offer = open.find((candidate) => candidate.id === closed.offer.id);
        if (offer) expectReturned(offer, closed.returned);
      }
      model.banned[action.member] = true;
      for (const offer of open) refund(offer, 'removed');
      break;
    }

    case 'unban': {
      const result = core.unbanMember({ marketId: market.id, adminId: null, memberId: h.memberId(action.member) });
      expectOutcome(result, model.banned[action.member] ? [] : ['not_banned'], what);
      model.banned[action.member] = false;
      break;
    }

    case 'archive': {
      const name = at(CATALOG, action.item);
      const was = at(model.archived, action.item);
      if (action.archived && action.clear) {
        model.inventory.forEach((held, member) => {
          const quantity = at(held, action.item);
          if (quantity > 0) step(h, { kind: 'revoke', member, item: action.item, quantity });
        });
      }
      const result = action.archived ? core.archiveItem(market.id, null, name) : core.unarchiveItem(market.id, null, name);
      // Archiving waits until nobody holds the item, no open offer names it and no trade in settlement holds it.
      const open = (offer: ModelOffer) => (offer.status === 'active' || offer.status === 'settling') && (offer.give.has(action.item) || offer.want.has(action.item));
      const inUse =
        model.inventory.some((held) => at(held, action.item) > 0) ||
        model.offers.some(open) ||
        model.trades.some((trade) => (trade.status === 'pending' || trade.status === 'processing') && trade.offer.want.has(action.item));
      const reasons: TradeErrorCode[] =
        was === action.archived ? [action.archived ? 'item_already_archived' : 'item_not_archived'] : action.archived && inUse ? ['item_in_use'] : [];
      if (!result.ok && result.error.code === 'item_in_use') stats.archiveInUse += 1;
      if (expectOutcome(result, reasons, what)) {
        stats.archived += action.archived ? 1 : 0;
        model.archived[action.item] = action.archived;
      }
      // Nothing moved: compareWithModel and checkInvariants after the step prove it.
      break;
    }

    case 'mode': {
      unwrap(core.setMarketSetting({ marketId: market.id, adminId: null, name: 'settlement', value: action.confirm ? 'confirm' : 'instant' }));
      model.confirm = action.confirm;
      break;
    }

    case 'settle':
      settle(h, action, what);
      break;

    case 'timeouts':
      sweepTimeouts(h, action, what);
      break;

    case 'closeLoop': {
      // A path of offers, each giving what the next wants; the new offer closes it into a loop.
      const eligible = (o: ModelOffer) => o.status === 'active' && o.expiresAt > now && o.target === null && !model.banned[o.owner];
      const first = h.pick(action.offer);
      if (!first || !eligible(first)) break;
      const path = [first];
      /** Posts as `/post` does (the admin first grants what the owner lacks), then the step through it. */
      const postAndStep = (owner: number, give: Line[], want: Line[]) => {
        const lacking = give.map(({ item, quantity }) => ({ item, quantity: quantity - h.held(owner, item) })).filter((l) => l.quantity > 0 && !model.archived[l.item]);
        if (lacking.length > 0) step(h, { kind: 'grant', member: owner, lines: lacking });
        const count = model.offers.length;
        step(h, { kind: 'post', owner, give, want, hours: action.hours, target: null, fit: false });
        const fresh = model.offers[count];
        if (fresh) stepLoops(h, fresh, what);
        return fresh;
      };
      const lines = (side: Map<number, number>) => [...side].map(([item, quantity]) => ({ item, quantity }));
      // Mostly an owner not yet on the path (a loop never has one owner twice); sometimes not.
      const freeOwner = (on: ModelOffer[]) =>
        [0, 1, 2, 3].map((k) => (action.owner + k) % MEMBERS).find((m) => action.length !== 3 || !on.some((o) => o.owner === m)) ?? action.owner;
      while (path.length < action.length) {
        const last = path[path.length - 1] as ModelOffer;
        let next = model.offers.find((o) => eligible(o) && !path.includes(o) && covers(last.give, o.want));
        // None yet: another member posts one that wants what the last gives, for an item it does not.
        const linkItem = [0, 1, 2, 3].map((k) => (action.offer.n + k) % CATALOG.length).find((item) => !last.give.has(item));
        if (!next && linkItem !== undefined) next = postAndStep(freeOwner(path), [{ item: linkItem, quantity: 1 }], lines(last.give));
        if (!next || !eligible(next) || !path.every(eligible)) break;
        path.push(next);
      }
      if (!path.every(eligible)) break;
      postAndStep(freeOwner(path), lines(first.want), lines((path[path.length - 1] as ModelOffer).give));
      break;
    }

    case 'loopSwitch': {
      expect(core.setLoops(market.id, action.on)).toBe(true);
      model.loopsOn = action.on;
      break;
    }

    case 'loops': {
      const offer = action.how === 'step' ? h.pick(action.offer) : undefined;
      if (action.how === 'sweep' || offer) stepLoops(h, offer, what);
      break;
    }
  }
}

/**
 * The model's view of a settlement ending: a completion swaps and ends the counters that waited on
 * the offer; a cancel refunds the taker and reopens the offer, unless its owner is banned (it is
 * removed), it is a counter whose original has closed (it ends as such a counter does) or its
 * time has passed (it expires).
 */
function endTrade(h: Harness, trade: ModelTrade, ending: 'completed' | TradeCancelReason): void {
  const { offer } = trade;
  if (ending === 'completed') {
    trade.status = 'completed';
    offer.status = 'completed';
    h.move(offer.owner, offer.want, +1);
    h.move(trade.taker, offer.give, +1);
    h.endCountersOf(offer);
    stats.settled.set('completed', (stats.settled.get('completed') ?? 0) + 1);
    return;
  }
  trade.status = 'cancelled';
  h.move(trade.taker, offer.want, +1);
  offer.acceptedBy = null;
  const closeAs = (status: OfferStatus) => {
    offer.status = status;
    h.move(offer.owner, offer.give, +1);
    h.endCountersOf(offer);
  };
  offer.status = 'active';
  if (h.model.banned[offer.owner]) closeAs('removed');
  else if (!h.counterMayStayOpen(offer)) {
    closeAs('declined');
    stats.endedWithOriginal += 1;
  } else if (offer.expiresAt <= h.t.clock()) closeAs('expired');
  stats.settled.set(ending, (stats.settled.get(ending) ?? 0) + 1);
}

/** The timeout of the step `trade` waits for. */
const timeoutOf = (trade: ModelTrade): 'completed' | TradeCancelReason =>
  trade.status === 'pending' ? 'seller_accept_timeout' : trade.handedOver ? 'completed' : 'seller_confirm_timeout';

function acceptIntoSettlement(
  h: Harness,
  offer: ModelOffer,
  taker: number,
  accepted: { offer: { status: OfferStatus }; trade: { id: number; status: string } },
  takerBefore: Map<number, number>,
  ownerBefore: Map<number, number>,
  what: string,
  /** What came back to the taker in the same transaction (a countered original, their own counter). */
  returned: ReadonlyArray<Map<number, number>>,
): void {
  expect(accepted.offer.status, `${what}: a confirm market's accept`).toBe('settling');
  expect(accepted.trade.status).toBe('pending');
  h.move(taker, offer.want, -1);
  offer.status = 'settling';
  offer.acceptedBy = taker;
  h.model.trades.push({ id: accepted.trade.id, offer, taker, status: 'pending', handedOver: false, dueAt: h.t.clock() + SETTLEMENT_HOURS.accept * HOUR });
  expect(h.dbHoldings(h.memberId(offer.owner)), `${what}: a pending trade moved the owner's items`).toEqual(ownerBefore);
  const taken = new Map(takerBefore);
  for (const [item, quantity] of offer.want) taken.set(item, (taken.get(item) ?? 0) - quantity);
  for (const items of returned) for (const [item, quantity] of items) taken.set(item, (taken.get(item) ?? 0) + quantity);
  expect(new Map([...h.dbHoldings(h.memberId(taker))].filter(([, q]) => q !== 0)), `${what}: the taker's items went to escrow`).toEqual(
    new Map([...taken].filter(([, q]) => q !== 0)),
  );
}

/** The refusals a member's settlement step may meet, in the core's order; empty when it must succeed. */
function settleRefusals(h: Harness, action: Extract<Action, { kind: 'settle' }>, trade: ModelTrade | undefined, member: number): TradeErrorCode[] {
  if (!trade) return ['trade_not_found'];
  const asOwner = trade.offer.owner === member;
  if (!asOwner && trade.taker !== member) return ['not_trade_party'];
  if (h.model.banned[member]) return ['banned'];
  if (trade.status === 'completed' || trade.status === 'cancelled') return ['trade_not_in_settlement'];
  if (trade.dueAt <= h.t.clock()) return [];
  switch (action.op) {
    case 'confirm':
      return trade.status === 'pending' || !trade.handedOver ? (asOwner ? [] : ['not_your_step']) : asOwner ? ['not_your_step'] : [];
    case 'reject':
      return !asOwner ? ['not_trade_owner'] : trade.status !== 'pending' ? ['trade_already_accepted'] : [];
    case 'withdraw':
      return trade.handedOver ? ['trade_handed_over'] : [];
  }
}

function settle(h: Harness, action: Extract<Action, { kind: 'settle' }>, what: string): void {
  const live = h.model.trades.filter((trade) => trade.status === 'pending' || trade.status === 'processing');
  if (live.length === 0 && action.trade.from === 'active' && h.model.confirm) {
    // Nothing to settle yet: someone takes an open offer first, so the runs reach the later steps.
    return step(h, { kind: 'accept', member: action.trade.n % MEMBERS, offer: { from: 'active', n: action.trade.n }, topUp: true, asTarget: false });
  }
  const pool = action.trade.from === 'active' && live.length > 0 ? live : h.model.trades;
  const trade = action.trade.from === 'missing' || pool.length === 0 ? undefined : at(pool, action.trade.n % pool.length);
  const by = action.by === 'next' ? (trade?.handedOver ? 'taker' : 'owner') : action.by;
  const member = by === 'owner' ? (trade?.offer.owner ?? 0) : by === 'taker' ? (trade?.taker ?? 0) : by;
  const reasons = settleRefusals(h, action, trade, member);
  const input = { marketId: h.t.market.id, tradeId: trade?.id ?? MISSING_OFFER, memberId: h.memberId(member) };
  const operation = { confirm: h.t.core.confirmTrade, reject: h.t.core.rejectTrade, withdraw: h.t.core.withdrawTrade }[action.op];
  const done = expectOutcome(operation(input), reasons, what);
  if (!done || !trade) return;
  const now = h.t.clock();
  if (trade.dueAt <= now) {
    expect(done.step, `${what}: a step after its deadline`).toBe('timed_out');
    return endTrade(h, trade, timeoutOf(trade));
  }
  const asOwner = trade.offer.owner === member;
  if (action.op === 'reject') return endTrade(h, trade, 'seller_rejected');
  if (action.op === 'withdraw') return endTrade(h, trade, asOwner ? 'cancelled_by_seller' : 'cancelled_by_buyer');
  if (!asOwner) return endTrade(h, trade, 'completed');
  if (trade.status === 'pending') {
    trade.status = 'processing';
    trade.dueAt = now + SETTLEMENT_HOURS.confirm * HOUR;
  } else {
    trade.handedOver = true;
    trade.dueAt = now + SETTLEMENT_HOURS.receipt * HOUR;
  }
}

function sweepTimeouts(h: Harness, action: Extract<Action, { kind: 'timeouts' }>, what: string): void {
  h.t.clock.advance(action.hours * HOUR);
  const due = h.model.trades.filter((trade) => (trade.status === 'pending' || trade.status === 'processing') && trade.dueAt <= h.t.clock());
  const applied: number[] = [];
  for (let round = 0; ; round += 1) {
    if (round > h.model.trades.length + 1) throw new Error(`${what}: the settlement sweep never reports that it is done`);
    const batch = h.t.core.applyDueSettlementTimeouts(action.batch);
    expect(batch.applied.length).toBeLessThanOrEqual(action.batch);
    applied.push(...batch.applied.map((outcome) => outcome.trade.id));
    checkInvariants(h.t);
    if (!batch.more) break;
  }
  expect(applied.sort((a, b) => a - b), `${what}: timed-out trades`).toEqual(due.map((trade) => trade.id));
  for (const trade of due) endTrade(h, trade, timeoutOf(trade));
}

/** How often the runs reached the archive, counter and settlement paths, to show the generators get there. */
const stats = { archived: 0, archiveInUse: 0, archivedRefusals: 0, endedWithOriginal: 0, settled: new Map<string, number>(), loops: 0, loopOffers: 0 };

/** Whether `give` holds every item of `want` in at least its quantity. */
const covers = (give: Map<number, number>, want: Map<number, number>) => [...want].every(([item, quantity]) => (give.get(item) ?? 0) >= quantity);

/**
 * Every loop of 2 to 4 offers the model allows now, by brute force: eligible offers (active, not
 * expired, public, owner not banned), each giving what the next wants, no owner twice. Through
 * `through` only, or else each loop once (from its oldest offer).
 */
function modelLoops(h: Harness, now: number, through?: ModelOffer): ModelOffer[][] {
  const { model } = h;
  // Loops are for instant markets only.
  if (!model.loopsOn || model.confirm) return [];
  const eligible = model.offers.filter((o) => o.status === 'active' && o.expiresAt > now && o.target === null && !model.banned[o.owner]);
  const found: ModelOffer[][] = [];
  const extend = (path: ModelOffer[]) => {
    const [first] = path as [ModelOffer];
    const last = path[path.length - 1] as ModelOffer;
    if (path.length >= 2 && covers(last.give, first.want)) found.push([...path]);
    if (path.length === 4) return;
    for (const next of eligible) {
      if ((!through && next.id < first.id) || path.some((o) => o.id === next.id || o.owner === next.owner)) continue;
      if (covers(last.give, next.want)) extend([...path, next]);
    }
  };
  for (const start of through ? eligible.filter((o) => o.id === through.id) : eligible) extend([start]);
  return found;
}

/**
 * The loop step through `offer`, or the sweep without one, checked against the model: every executed loop is one the model allows,
 * each owner's items went whole to the next owner; the step takes a longest loop through its
 * offer when there is one; afterwards no loop is left (through the offer, or anywhere).
 */
function stepLoops(h: Harness, offer: ModelOffer | undefined, what: string): void {
  const { t, model } = h;
  const now = t.clock();
  const possible = modelLoops(h, now, offer);
  const outcomes: LoopOutcome[] = offer ? [t.core.matchLoopsThrough(offer.id)].filter((o) => o !== undefined) : sweepMarket(t.core, t.market.id);
  if (offer) {
    expect(outcomes.length, `${what}: the step executes a loop exactly when the model has one`).toBe(possible.length > 0 ? 1 : 0);
    const [executed] = outcomes;
    if (executed?.executed) expect(executed.legs.length, `${what}: the longest loop through the offer`).toBe(Math.max(...possible.map((l) => l.length)));
  }
  for (const outcome of outcomes) {
    if (!outcome.executed) throw new Error(`${what}: a loop broke with nobody else acting: ${outcome.reason}`);
    const legs = outcome.legs.map((leg) => ({ leg, offer: model.offers.find((o) => o.id === leg.offerId) }));
    const loop = legs.map(({ offer: o }) => o as ModelOffer);
    expect(possible.some((p) => p.length === loop.length && p.every((o, i) => o.id === loop[i]?.id)) || modelLoops(h, now, loop[0]).some((p) => p.every((o, i) => o.id === loop[i]?.id)), `${what}: executed loop ${JSON.stringify(outcome.legs.map((l) => l.offerId))} is one the model allows`).toBe(true);
    legs.forEach(({ leg, offer: o }, i) => {
      const next = loop[(i + 1) % loop.length] as ModelOffer;
      expect(leg.receiverId, `${what}: offer ${leg.offerId} gives to the next owner`).toBe(h.memberId(next.owner));
      const given = o as ModelOffer;
      given.status = 'completed';
      given.acceptedBy = next.owner;
      h.move(next.owner, given.give, +1);
      h.endCountersOf(given);
    });
    stats.loops += 1;
    stats.loopOffers += loop.length;
  }
  const left = modelLoops(h, now, offer?.status === 'active' ? offer : undefined).filter(() => offer === undefined || offer.status === 'active');
  expect(left.map((l) => l.map((o) => o.id)), `${what}: loops left after the ${offer ? 'step' : 'sweep'}`).toEqual([]);
}


describe('trade core invariants (property)', () => {
  it(`hold after every step of ${NUM_RUNS} random sequences of up to ${MAX_STEPS} operations`, () => {
    /** How the offers of all runs ended, to show the generators reach the interesting paths. */
    const ended = new Map<OfferStatus, number>();
    fc.assert(
      fc.property(stockArb, fc.boolean(), fc.array(anyActionArb, { minLength: 1, maxLength: MAX_STEPS, size: 'max' }), (stock, confirm, actions) => {
        const t = createTestMarket({ items: [...CATALOG] });
        try {
          const h = new Harness(t);
          // Half the runs start in confirm settlement, so settlements get far enough to complete.
          step(h, { kind: 'mode', confirm });
          checkInvariants(t);
          // Opening stock, granted like any other grant, so most runs can trade from the start.
          stock.forEach((quantities, member) => {
            const lines = quantities.map((quantity, item) => ({ item, quantity })).filter((line) => line.quantity > 0);
            if (lines.length > 0) step(h, { kind: 'grant', member, lines });
          });
          h.compareWithModel();
          checkInvariants(t);
          actions.forEach((action, index) => {
            try {
              step(h, action);
              h.compareWithModel();
              checkInvariants(t);
            } catch (error) {
              const message = error instanceof Error ? error.message : String(error);
              throw new Error(`step ${index + 1} of ${actions.length} ${JSON.stringify(action)}:\n${message}`, { cause: error });
            }
          });
          for (const offer of h.model.offers) ended.set(offer.status, (ended.get(offer.status) ?? 0) + 1);
        } finally {
          t.cleanup();
        }
      }),
      { numRuns: NUM_RUNS, seed: PROPERTY_SEED },
    );
    // The generators must actually reach the interesting paths, or the property proves little.
    expect((ended.get('completed') ?? 0) + (ended.get('settling') ?? 0), 'accepted offers over all runs').toBeGreaterThan(NUM_RUNS / 10);
    expect(ended.get('expired') ?? 0, 'expired offers over all runs').toBeGreaterThan(0);
    expect(ended.get('removed') ?? 0, 'removed offers over all runs').toBeGreaterThan(0);
    expect(ended.get('cancelled') ?? 0, 'cancelled offers over all runs').toBeGreaterThan(0);
    expect(stats.archived, 'items archived over all runs').toBeGreaterThan(0);
    expect(stats.archiveInUse, 'archives refused while the item was held, offered or settling, over all runs').toBeGreaterThan(0);
    expect(stats.archivedRefusals, 'posts and grants refused for an archived item over all runs').toBeGreaterThan(0);
    // Accepting a counter while its original is still open is rare in random mixes; counter-offers.test.ts proves it step by step.
    expect(ended.get('countered') ?? 0, 'offers closed as countered over all runs').toBeGreaterThan(0);
    expect(stats.endedWithOriginal, 'counters that ended with their original, over all runs').toBeGreaterThan(0);
    // A counter accepted in a confirm market whose settlement falls through is rare in random mixes; settlement.test.ts proves each such ending.
    // Each reason is proven one by one in settlement.test.ts; here the random mixes must reach each kind of ending.
    const endings = (...reasons: string[]) => reasons.reduce((sum, reason) => sum + (stats.settled.get(reason) ?? 0), 0);
    expect(endings('completed'), 'settlements completed over all runs').toBeGreaterThan(0);
    expect(endings('seller_rejected', 'cancelled_by_buyer', 'cancelled_by_seller'), 'settlements a member cancelled').toBeGreaterThan(0);
    expect(endings('seller_accept_timeout', 'seller_confirm_timeout'), 'settlements that timed out').toBeGreaterThan(0);
    expect(stats.loops, 'loops executed over all runs').toBeGreaterThan(0);
    expect(stats.loopOffers, 'loops of more than two offers over all runs').toBeGreaterThan(2 * stats.loops);
  }, 120_000);
});

/** The checker itself: a healthy market passes, and each kind of damage is named. */
describe('checkInvariants', () => {
  function healthyMarket() {
    const t = createTestMarket({ items: [...CATALOG] });
    const { core, market } = t;
    const [alice, bob, admin] = [t.member('alice'), t.member('bob'), t.member('admin')];
    unwrap(core.grantItems(market.id, admin.id, alice.id, [{ name: 'apple', quantity: 20 }]));
    unwrap(core.grantItems(market.id, admin.id, bob.id, [{ name: 'pear', quantity: 20 }]));
    const post = (hours: number) =>
      unwrap(core.postOffer({ marketId: market.id, ownerId: alice.id, give: [{ name: 'apple', quantity: 2 }], want: [{ name: 'pear', quantity: 1 }], hours }));
    const offers = { completed: post(48), expired: post(1), cancelled: post(48), active: post(48) };
    unwrap(core.acceptOffer({ marketId: market.id, offerId: offers.completed.id, takerId: bob.id }));
    unwrap(core.cancelOffer({ marketId: market.id, offerId: offers.cancelled.id, memberId: alice.id }));
    t.clock.advance(2 * HOUR);
    core.expireDueOffers();
    checkInvariants(t);
    return { t, alice, bob, offers: { completed: offers.completed.id, expired: offers.expired.id, cancelled: offers.cancelled.id, active: offers.active.id } };
  }

  const damage: Array<[string, RegExp, (h: ReturnType<typeof healthyMarket>) => void]> = [
    ['an item appears from nowhere', /conservation/, ({ t, bob }) => t.db.sqlite.prepare('UPDATE inventories SET quantity = quantity + 1 WHERE member_id = ?').run(bob.id)],
    [
      'a holding goes negative',
      /never negative: an inventory quantity is below zero/,
      ({ t, bob }) => {
        t.db.sqlite.pragma('ignore_check_constraints = ON');
        t.db.sqlite.prepare("UPDATE inventories SET quantity = -1 WHERE member_id = ? AND item_id = (SELECT id FROM items WHERE slug = 'pear')").run(bob.id);
      },
    ],
    [
      'a closed offer comes back to life without its escrow',
      /escrow of an active offer/,
      ({ t, offers }) => t.db.sqlite.prepare("UPDATE offers SET status = 'active', closed_at = NULL WHERE id = ?").run(offers.expired),
    ],
    [
      "a cancelled offer's lines stay open for the item listing",
      /open lines: an offer line's open flag disagrees/,
      ({ t, offers }) => t.db.sqlite.prepare('UPDATE offer_lines SET open = 1 WHERE offer_id = ?').run(offers.cancelled),
    ],
    ['an accepted offer loses its trade', /exactly once: a completed offer does not have exactly one trade/, ({ t, offers }) => t.db.sqlite.prepare('DELETE FROM trades WHERE offer_id = ?').run(offers.completed)],
    [
      'an accepted offer is marked cancelled',
      /exactly once/,
      ({ t, offers }) => t.db.sqlite.prepare("UPDATE offers SET status = 'cancelled' WHERE id = ?").run(offers.completed),
    ],
    [
      "a trade names someone other than the offer's taker",
      /exactly once: a completed offer's trade does not match it/,
      ({ t, offers, alice }) => t.db.sqlite.prepare('UPDATE offers SET accepted_by_id = ? WHERE id = ?').run(alice.id, offers.completed),
    ],
    ['an expiry notification is lost', /nothing is lost: an ended offer does not have exactly one owner notification/, ({ t, offers }) => t.db.sqlite.prepare('DELETE FROM outbox WHERE event_key = ?').run(`offer:${offers.expired}:expired`)],
    [
      'an open offer is reported as cancelled',
      /nothing is lost: an offer has a notification for an ending it did not have/,
      ({ t, offers, alice }) =>
        t.db.sqlite
          .prepare("INSERT INTO outbox (market_id, recipient_id, kind, payload, event_key, next_attempt_at, created_at) VALUES (?, ?, 'offer_cancelled', '{}', ?, 0, 0)")
          .run(t.market.id, alice.id, `offer:${offers.active}:cancelled`),
    ],
    [
      'the owner of a cancelled offer is sent a message about their own cancel',
      /nothing is lost: an offer has a notification for an ending it did not have, or for one its owner caused/,
      ({ t, offers, alice }) =>
        t.db.sqlite
          .prepare("INSERT INTO outbox (market_id, recipient_id, kind, payload, event_key, next_attempt_at, created_at) VALUES (?, ?, 'offer_cancelled', '{}', ?, 0, 0)")
          .run(t.market.id, alice.id, `offer:${offers.cancelled}:cancelled`),
    ],
    [
      'an offer is directed at a member of another market',
      /market scope/,
      ({ t, offers }) => {
        const other = t.core.ensureMarket({ platform: 'discord', platformMarketId: 'elsewhere' });
        const stranger = t.core.ensureMember({ marketId: other.id, platformUserId: 'x', displayName: 'stranger' });
        t.db.sqlite.prepare('UPDATE offers SET target_id = ? WHERE id = ?').run(stranger.id, offers.active);
      },
    ],
  ];

  it.each(damage)('names the damage when %s', (_, message, tamper) => {
    const h = healthyMarket();
    try {
      tamper(h);
      expect(() => checkInvariants(h.t)).toThrow(message);
    } finally {
      h.t.cleanup();
    }
  });
});
