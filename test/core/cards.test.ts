// Cards follow their records: every change of an offer's status makes its cards stale, whatever path made it;
// and every message with buttons is remembered with its market and what it shows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemberRef } from '../../src/core/types.js';
import { HOUR, createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

let t: TestMarket;
let admin: MemberRef, alice: MemberRef, bob: MemberRef;

const post = () => unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 1]), want: items(['orange', 1]), hours: 1 }));
const at = (messageId: string) => ({ platform: 'telegram' as const, chatId: '-100', messageId });
const recordCard = (offerId: number, messageId: string, follows = true) =>
  t.core.recordCard(at(messageId), { marketId: t.market.id, subject: { kind: 'offer', id: offerId }, follows });
const staleOffers = () => t.core.staleCards('telegram').map((c) => [c.record.id, c.messageId]);
const cardRows = () => t.db.sqlite.prepare<[], { n: number }>('SELECT count(*) AS n FROM cards').get()?.n;

beforeEach(() => {
  t = createTestMarket();
  [admin, alice, bob] = ['admin', 'alice', 'bob'].map((name) => t.member(name)) as [MemberRef, MemberRef, MemberRef];
  unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 10])));
  unwrap(t.core.grantItems(t.market.id, admin.id, bob.id, items(['orange', 10])));
});
afterEach(() => t.cleanup());

describe('cards', () => {
  it('become stale when their offer changes by any path, and are dropped once they show the ending', () => {
    const accepted = post();
    const cancelled = post();
    const expired = post();
    const removed = post();
    const lapsed = post();
    for (const offer of [accepted, cancelled, expired, removed, lapsed]) recordCard(offer.id, `m${offer.id}`);
    expect(staleOffers()).toEqual([]);

    unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: accepted.id, takerId: bob.id }));
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: cancelled.id, memberId: alice.id }));
    unwrap(t.core.removeOffer({ marketId: t.market.id, offerId: removed.id, adminId: admin.id, reason: 'spam' }));
    t.clock.advance(2 * HOUR);
    t.core.expireDueOffers();
    // `lapsed` ran out in the same sweep as `expired`.
    expect(staleOffers()).toEqual([accepted, cancelled, expired, removed, lapsed].map((o) => [o.id, `m${o.id}`]));

    for (const stale of t.core.staleCards('telegram')) t.core.cardShown(stale);
    expect(staleOffers()).toEqual([]);
    expect(cardRows()).toBe(0);
  });

  it('keeps an open offer’s card after showing it, and finds the stale cards of one offer', () => {
    const offer = post();
    const other = post();
    recordCard(offer.id, 'a');
    recordCard(offer.id, 'a'); // the same message twice is one card
    recordCard(offer.id, 'b');
    recordCard(other.id, 'c');
    expect(cardRows()).toBe(3);
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: offer.id, memberId: alice.id }));
    expect(t.core.staleCards('telegram', { record: { kind: 'offer', id: offer.id } }).map((c) => c.messageId)).toEqual(['a', 'b']);
    expect(t.core.staleCards('telegram', { record: { kind: 'offer', id: other.id } })).toEqual([]);
    expect(t.core.staleCards('discord')).toEqual([]);
  });

  it('treats a card recorded after its offer ended as stale at once', () => {
    const offer = post();
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: offer.id, memberId: alice.id }));
    recordCard(offer.id, 'late');
    expect(staleOffers()).toEqual([[offer.id, 'late']]);
  });

  it('edits again a card whose offer changed while it was being edited', () => {
    const offer = post();
    recordCard(offer.id, 'a');
    unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: bob.id }));
    const [seen] = t.core.staleCards('telegram');
    // Another status change lands between reading the card and recording the edit.
    t.db.sqlite.prepare("UPDATE offers SET status = 'settling' WHERE id = ?").run(offer.id);
    t.core.cardShown(seen!);
    expect(staleOffers()).toEqual([[offer.id, 'a']]);
  });

  it('forgets a card whose message is gone', () => {
    const offer = post();
    recordCard(offer.id, 'gone');
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: offer.id, memberId: alice.id }));
    const [stale] = t.core.staleCards('telegram');
    t.core.forgetCard(stale!.id);
    expect(staleOffers()).toEqual([]);
    expect(cardRows()).toBe(0);
  });

  it('remembers what a message shows and in which market, for a press on it', () => {
    const offer = post();
    recordCard(offer.id, 'notice', false);
    t.core.recordCard(at('list'), { marketId: t.market.id, subject: { kind: 'list', command: 'market' }, follows: false });
    expect(t.core.cardAt(at('notice'))).toEqual({ marketId: t.market.id, subject: { kind: 'offer', id: offer.id }, follows: false });
    expect(t.core.cardAt(at('list'))).toEqual({ marketId: t.market.id, subject: { kind: 'list', command: 'market' }, follows: false });
    expect(t.core.cardAt({ ...at('list'), chatId: '-200' })).toBeUndefined();
    // A notice never follows: it is not edited when its offer changes.
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: offer.id, memberId: alice.id }));
    expect(staleOffers()).toEqual([]);
  });
});

describe('trade cards (confirm settlement)', () => {
  it('follow their trade through each step, keep the offer card through settlement, and leave notices about other trades alone', () => {
    unwrap(t.core.setMarketSetting({ marketId: t.market.id, adminId: null, name: 'settlement', value: 'confirm' }));
    const done = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: post().id, takerId: bob.id })).trade;
    unwrap(t.core.confirmTrade({ marketId: t.market.id, tradeId: done.id, memberId: alice.id }));
    unwrap(t.core.confirmTrade({ marketId: t.market.id, tradeId: done.id, memberId: alice.id }));
    unwrap(t.core.confirmTrade({ marketId: t.market.id, tradeId: done.id, memberId: bob.id }));
    // A DM about the completed trade: a notice, never edited, whose rating buttons must keep working.
    t.core.recordCard(at('dm'), { marketId: t.market.id, subject: { kind: 'trade', id: done.id }, follows: false });

    const offer = post();
    recordCard(offer.id, 'offer-card');
    const trade = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: bob.id })).trade;
    t.core.recordCard(at('trade-card'), { marketId: t.market.id, subject: { kind: 'trade', id: trade.id }, follows: true });
    const stale = () => t.core.staleCards('telegram').map((c) => c.messageId).sort();
    expect(stale()).toEqual(['offer-card']);
    for (const card of t.core.staleCards('telegram')) t.core.cardShown(card);
    // The settling offer's card stays: the offer may open again.
    expect(t.core.cardAt(at('offer-card'))).toBeDefined();
    expect(t.core.cardAt(at('dm'))).toBeDefined();

    unwrap(t.core.confirmTrade({ marketId: t.market.id, tradeId: trade.id, memberId: alice.id }));
    expect(stale()).toEqual(['trade-card']);
    for (const card of t.core.staleCards('telegram')) t.core.cardShown(card);
    unwrap(t.core.withdrawTrade({ marketId: t.market.id, tradeId: trade.id, memberId: bob.id }));
    expect(stale()).toEqual(['offer-card', 'trade-card']);
    for (const card of t.core.staleCards('telegram')) t.core.cardShown(card);
    // The trade ended: its live card is done; the offer, open again, keeps its card; the DM stays.
    expect(t.core.cardAt(at('trade-card'))).toBeUndefined();
    expect(t.core.cardAt(at('offer-card'))).toBeDefined();
    expect(t.core.cardAt(at('dm'))).toBeDefined();
  });
});
