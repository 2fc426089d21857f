// Reputation: completed trades only, each distinct partner once, from a neutral prior; hidden reviews leave it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { memberIdsWithReputationAtLeast, PRIOR_MEAN, PRIOR_WEIGHT, reputationAtLeast, reputationSql } from '../../src/core/reputation.js';
import { members } from '../../src/db/schema.js';
import { createTestMarket, HOUR, items, unwrap, type TestMarket } from '../support/market.js';
import type { MemberRef, TradeView } from '../../src/core/types.js';

let t: TestMarket;
let admin: MemberRef, alice: MemberRef;

beforeEach(() => {
  t = createTestMarket();
  admin = t.member('admin');
  alice = t.member('alice');
  unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 100])));
});
afterEach(() => t.cleanup());

/** Alice gives one apple to `taker` for one orange: a completed trade. */
function trade(taker: MemberRef): TradeView {
  unwrap(t.core.grantItems(t.market.id, admin.id, taker.id, items(['orange', 1])));
  const offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 1]), want: items(['orange', 1]) }));
  return unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: taker.id })).trade;
}
const rate = (member: MemberRef, done: TradeView, stars: number, comment?: string) =>
  t.core.rateTrade({ marketId: t.market.id, tradeId: done.id, memberId: member.id, stars, comment });
const score = (member: MemberRef) => t.core.getReputation(member.id).score;

describe('reputation formula', () => {
  it('starts a member nobody rated at the neutral prior, with no partners', () => {
    expect(t.core.getReputation(alice.id)).toEqual({ memberId: alice.id, score: PRIOR_MEAN, partners: 0, ratings: 0 });
    trade(t.member('bob'));
    expect(t.core.getReputation(alice.id)).toMatchObject({ score: 3, partners: 0 });
  });

  it('makes one 5-star rating far from a perfect score: (5 x 3 + 5) / 6', () => {
    unwrap(rate(t.member('bob'), trade(t.member('bob')), 5));
    const reputation = t.core.getReputation(alice.id);
    expect(reputation).toMatchObject({ partners: 1, ratings: 1 });
    expect(reputation.score).toBeCloseTo((PRIOR_WEIGHT * PRIOR_MEAN + 5) / (PRIOR_WEIGHT + 1), 10);
    expect(reputation.score).toBeCloseTo(3.333, 3);
  });

  it('keeps the farming case near the prior: ten 5-star trades between the same two members count as one partner', () => {
    const bob = t.member('bob');
    for (let i = 0; i < 10; i++) {
      const done = trade(bob);
      unwrap(rate(bob, done, 5));
      unwrap(rate(alice, done, 5));
    }
    for (const member of [alice, bob]) {
      expect(t.core.getReputation(member.id)).toMatchObject({ partners: 1, ratings: 10 });
      expect(score(member)).toBeCloseTo(3.333, 3);
    }
  });

  it('lets distinct partners move the score: five happy partners make 4.0, and a partner weighs by the mean of their ratings', () => {
    const partners = ['bob', 'carol', 'dave', 'erin', 'frank'].map((name) => t.member(name));
    for (const partner of partners) unwrap(rate(partner, trade(partner), 5));
    expect(t.core.getReputation(alice.id)).toMatchObject({ partners: 5, ratings: 5 });
    expect(score(alice)).toBeCloseTo(4, 10);
    // Bob rates again, 1 star: his mean is 3, so the sum over partners drops by 2.
    unwrap(rate(partners[0]!, trade(partners[0]!), 1));
    expect(t.core.getReputation(alice.id)).toMatchObject({ partners: 5, ratings: 6 });
    expect(score(alice)).toBeCloseTo((15 + 3 + 4 * 5) / 10, 10);
  });

  it('counts only completed trades: a trade still in settlement cannot be rated, so it cannot count', () => {
    unwrap(t.core.setMarketSetting({ marketId: t.market.id, adminId: null, name: 'settlement', value: 'confirm' }));
    const bob = t.member('bob');
    const pending = trade(bob);
    expect(pending.status).toBe('pending');
    expect(rate(bob, pending, 5)).toEqual({ ok: false, error: { code: 'trade_not_completed', tradeId: pending.id, status: 'pending' } });
    expect(t.core.getReputation(alice.id)).toMatchObject({ score: 3, partners: 0 });
    expect(t.core.getProfile(alice.id)?.tradesCompleted).toBe(0);
  });

  it('refuses a rating from a banned member with the ban reason, and their score stays as it was', () => {
    const bob = t.member('bob');
    const done = trade(bob);
    unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: bob.id, reason: 'spam' }));
    expect(rate(bob, done, 1)).toEqual({ ok: false, error: { code: 'banned_rater', reason: 'spam' } });
    expect(t.core.getReputation(alice.id)).toMatchObject({ score: 3, partners: 0 });
  });

  it('gives every member asked an entry in one batched read, the same as one at a time', () => {
    const [bob, carol, dave] = [t.member('bob'), t.member('carol'), t.member('dave')];
    const first = trade(bob);
    unwrap(rate(bob, first, 5));
    unwrap(rate(alice, first, 2));
    unwrap(rate(carol, trade(carol), 4));
    const batch = t.core.getReputations([alice.id, bob.id, carol.id, dave.id, alice.id]);
    expect([...batch.keys()]).toEqual([alice.id, bob.id, carol.id, dave.id]);
    for (const member of [alice, bob, carol, dave]) expect(batch.get(member.id)).toEqual(t.core.getReputation(member.id));
    expect(batch.get(alice.id)).toMatchObject({ partners: 2, ratings: 2 });
    expect(batch.get(alice.id)?.score).toBeCloseTo((15 + 5 + 4) / 7, 10);
    expect(batch.get(bob.id)?.score).toBeCloseTo((15 + 2) / 6, 10);
    expect(batch.get(dave.id)).toEqual({ memberId: dave.id, score: 3, partners: 0, ratings: 0 });
  });
});

describe('profile', () => {
  it('shows the reputation, completed trades, member since, and the latest five reviews others wrote, newest first', () => {
    const joined = t.clock();
    const partners = ['bob', 'carol', 'dave', 'erin', 'frank', 'gina'].map((name) => t.member(name));
    partners.forEach((partner, i) => {
      t.clock.advance(HOUR);
      const done = trade(partner);
      unwrap(rate(partner, done, 5 - (i % 2), `review ${i + 1}`));
      unwrap(rate(alice, done, 3)); // Alice's own ratings are of others: not on her profile.
    });
    const profile = t.core.getProfile(alice.id);
    expect(profile).toMatchObject({ tradesCompleted: 6, memberSince: joined, reputation: { partners: 6, ratings: 6 } });
    expect(profile?.latestReviews.map((review) => [review.author.displayName, review.stars, review.comment])).toEqual([
      ['gina', 4, 'review 6'],
      ['frank', 5, 'review 5'],
      ['erin', 4, 'review 4'],
      ['dave', 5, 'review 3'],
      ['carol', 4, 'review 2'],
    ]);
    expect(profile?.latestReviews[0]?.ratedAt).toBe(joined + 6 * HOUR);
  });
});

describe('hiding a review', () => {
  let bob: MemberRef;
  let done: TradeView;
  beforeEach(() => {
    bob = t.member('bob');
    done = trade(bob);
    unwrap(rate(bob, done, 1, 'you are a thief'));
  });
  const hide = (input: { tradeId?: number; authorId?: number; reason?: string } = {}) =>
    t.core.hideReview({ marketId: t.market.id, adminId: admin.id, tradeId: done.id, ...input });

  it('takes the review out of the reputation and the profile, keeps who hid it and why, and unhiding brings it back', () => {
    expect(score(alice)).toBeCloseTo(16 / 6, 10);
    const hidden = unwrap(hide({ reason: 'insult' }));
    expect(hidden).toMatchObject({ tradeId: done.id, author: { id: bob.id }, subject: { id: alice.id }, stars: 1, comment: 'you are a thief' });
    expect(t.core.getReputation(alice.id)).toMatchObject({ score: 3, partners: 0 });
    expect(t.core.getProfile(alice.id)?.latestReviews).toEqual([]);
    const kept = t.db.sqlite.prepare('SELECT author_id, hidden_by, reason, unhidden_at FROM hidden_reviews').all();
    expect(kept).toEqual([{ author_id: bob.id, hidden_by: admin.id, reason: 'insult', unhidden_at: null }]);
    // The rating itself stays on the trade.
    expect(unwrap(t.core.getTrade(t.market.id, done.id, alice.id)).ratingByTaker).toBe(1);

    unwrap(t.core.unhideReview({ marketId: t.market.id, adminId: admin.id, tradeId: done.id }));
    expect(t.core.getReputation(alice.id)).toMatchObject({ partners: 1 });
    expect(t.core.getProfile(alice.id)?.latestReviews.map((review) => review.comment)).toEqual(['you are a thief']);
    // Hidden again after an unhide: one row, the latest hiding.
    unwrap(hide({ reason: 'still an insult' }));
    expect(t.db.sqlite.prepare('SELECT reason, unhidden_at FROM hidden_reviews').all()).toEqual([{ reason: 'still an insult', unhidden_at: null }]);
    expect(score(alice)).toBe(3);
    // The moderation log keeps each action with its author and admin, newest first.
    const logged = t.core.listModerationLog(t.market.id).entries.filter((entry) => entry.action.startsWith('review_'));
    expect(logged.map((entry) => [entry.action, entry.admin?.id, entry.member?.id, entry.tradeId, entry.reason])).toEqual([
      ['review_hide', admin.id, bob.id, done.id, 'still an insult'],
      ['review_unhide', admin.id, bob.id, done.id, null],
      ['review_hide', admin.id, bob.id, done.id, 'insult'],
    ]);
    expect(logged[2]?.detail).toEqual({ subject: 'alice', stars: 1, comment: 'you are a thief' });
  });

  it('asks whose review when both sides wrote one, and hides only that one', () => {
    unwrap(rate(alice, done, 5, 'great buyer'));
    expect(hide()).toEqual({ ok: false, error: { code: 'review_author_needed', tradeId: done.id, authors: ['bob', 'alice'], action: 'hide' } });
    unwrap(hide({ authorId: bob.id }));
    expect(score(alice)).toBe(3);
    expect(t.core.getReputation(bob.id)).toMatchObject({ partners: 1, score: 20 / 6 });
    // With one review hidden, the other is the only one that can be hidden, and the hidden one the only one to bring back.
    expect(unwrap(t.core.unhideReview({ marketId: t.market.id, adminId: admin.id, tradeId: done.id })).author.id).toBe(bob.id);
  });

  it('refuses what it cannot do, changing nothing', () => {
    const carol = t.member('carol');
    expect(hide({ tradeId: 999 })).toEqual({ ok: false, error: { code: 'trade_not_found', tradeId: 999 } });
    expect(hide({ authorId: carol.id })).toEqual({ ok: false, error: { code: 'review_not_found', tradeId: done.id, authorName: 'carol' } });
    expect(hide({ authorId: alice.id })).toEqual({ ok: false, error: { code: 'review_not_found', tradeId: done.id, authorName: 'alice' } });
    expect(hide({ reason: 'x'.repeat(201) })).toEqual({ ok: false, error: { code: 'text_too_long', field: 'reason', max: 200 } });
    expect(t.core.unhideReview({ marketId: t.market.id, adminId: admin.id, tradeId: done.id })).toEqual({
      ok: false,
      error: { code: 'review_not_hidden', tradeId: done.id, authorName: 'bob' },
    });
    const unrated = trade(carol);
    expect(hide({ tradeId: unrated.id })).toEqual({ ok: false, error: { code: 'review_not_found', tradeId: unrated.id, authorName: null } });
    expect(t.db.sqlite.prepare('SELECT count(*) AS n FROM hidden_reviews').get()).toEqual({ n: 0 });
    expect(t.core.listModerationLog(t.market.id).entries.filter((entry) => entry.action.startsWith('review_'))).toEqual([]);
    unwrap(hide());
    expect(hide()).toEqual({ ok: false, error: { code: 'review_already_hidden', tradeId: done.id, authorName: 'bob' } });
  });
});

describe('the stored reputation', () => {
  /** Every rated member's reputation as computed from the reviews, and as stored, ordered alike. */
  const computed = () =>
    t.db.orm.all<{ member_id: number; score: number; partners: number; ratings: number }>(sql`${reputationSql({ marketId: t.market.id })} ORDER BY member_id`);
  const stored = () => t.db.sqlite.prepare('SELECT member_id, score, partners, ratings FROM reputations ORDER BY member_id').all();

  it('stays equal to the computation through ratings, hidings and unhidings, and the migration computes it the same way', () => {
    const [bob, carol, dave] = [t.member('bob'), t.member('carol'), t.member('dave')];
    const partners = [bob, carol, bob, dave, carol, bob];
    const trades = partners.map((partner) => trade(partner));
    trades.forEach((done, i) => {
      // Partners rate Alice on even trades, Alice rates them on odd ones; every third trade both sides rate.
      const [first, second] = i % 2 ? [alice, partners[i]!] : [partners[i]!, alice];
      unwrap(rate(first, done, 1 + (i % 5)));
      if (i % 3 === 0) unwrap(rate(second, done, 5 - (i % 5)));
      expect(stored()).toEqual(computed());
    });
    unwrap(t.core.hideReview({ marketId: t.market.id, adminId: admin.id, tradeId: trades[0]!.id, authorId: bob.id }));
    unwrap(t.core.hideReview({ marketId: t.market.id, adminId: admin.id, tradeId: trades[1]!.id }));
    expect(stored()).toEqual(computed());
    unwrap(t.core.unhideReview({ marketId: t.market.id, adminId: admin.id, tradeId: trades[0]!.id }));
    expect(stored()).toEqual(computed());
    expect(stored().length).toBeGreaterThanOrEqual(3);

    // The migration's backfill, run again on the rows rated so far, writes the same rows (with no review hidden).
    t.db.sqlite.exec('DELETE FROM hidden_reviews');
    const expected = computed();
    t.db.sqlite.exec('DELETE FROM reputations');
    const migration = readFileSync(new URL('../../drizzle/0017_reputation.sql', import.meta.url), 'utf8');
    const backfill = migration.split('--> statement-breakpoint').find((statement) => statement.includes('INSERT INTO `reputations`'));
    t.db.sqlite.exec(backfill ?? 'SELECT missing_backfill');
    expect(stored()).toEqual(expected);
  });

  it('filters members by a minimum score, the unrated counting as the prior', () => {
    const [bob, carol] = [t.member('bob'), t.member('carol')];
    unwrap(rate(bob, trade(bob), 5)); // Alice: 3.33
    const done = trade(carol);
    unwrap(rate(alice, done, 1)); // Carol: 2.67; Bob and the others: unrated, 3
    const atLeast = (min: number) =>
      t.db.orm.select({ name: members.displayName }).from(members).where(sql`${eq(members.marketId, t.market.id)} AND ${reputationAtLeast(members.id, t.market.id, min)}`).orderBy(members.displayName).all().map((row) => row.name);
    expect(atLeast(3.3)).toEqual(['alice']);
    expect(atLeast(3)).toEqual(['admin', 'alice', 'bob']);
    expect(atLeast(1)).toEqual(['admin', 'alice', 'bob', 'carol']);
    const idsAtLeast = (min: number) =>
      t.db.orm.all<{ display_name: string }>(sql`SELECT display_name FROM members WHERE id IN (${memberIdsWithReputationAtLeast(t.market.id, min)}) ORDER BY display_name`).map((row) => row.display_name);
    for (const min of [1, 3, 3.3, 4]) expect(idsAtLeast(min)).toEqual(atLeast(min));
    expect(idsAtLeast(3.3)).toEqual(['alice']);
  });
});

describe('offer cards', () => {
  it("go stale when their owner's reputation changes, so the card job shows the new score; closed offers' cards do not", () => {
    const bob = t.member('bob');
    const done = trade(bob);
    const open = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 1]), want: items(['orange', 1]) }));
    const at = (messageId: string) => ({ platform: 'telegram' as const, chatId: '-100', messageId });
    for (const [offerId, messageId] of [[open.id, 'open'], [done.offerId as number, 'traded']] as const) {
      t.core.recordCard(at(messageId), { marketId: t.market.id, subject: { kind: 'offer', id: offerId }, follows: true });
    }
    const stale = () => t.core.staleCards('telegram').map((card) => card.messageId);
    // The traded offer's card went stale with its trade; show it, and only rating changes remain.
    for (const card of t.core.staleCards('telegram')) t.core.cardShown(card);
    expect(stale()).toEqual([]);

    unwrap(rate(bob, done, 5));
    expect(stale()).toEqual(['open']);
    expect(t.core.getOffer(t.market.id, open.id)?.ownerReputation).toMatchObject({ partners: 1 });
    for (const card of t.core.staleCards('telegram')) t.core.cardShown(card);
    unwrap(t.core.hideReview({ marketId: t.market.id, adminId: admin.id, tradeId: done.id }));
    expect(stale()).toEqual(['open']);
    expect(t.core.getOffer(t.market.id, open.id)?.ownerReputation).toMatchObject({ partners: 0, score: 3 });
  });
});
