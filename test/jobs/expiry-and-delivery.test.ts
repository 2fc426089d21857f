// Expiry and notification delivery with a controlled clock, against the fake Bot API.
import { plain } from '../support/telegram-group.js';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramDelivery } from '../../src/adapters/telegram/delivery.js';
import { deliverOutbox } from '../../src/jobs/delivery.js';
import type { PlatformDelivery } from '../../src/platform.js';
import { sweepExpiredOffers } from '../../src/jobs/expiry.js';
import { runHousekeeping } from '../../src/jobs/housekeeping.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram-api.js';
import { HOUR, createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';
import type { MemberRef } from '../../src/core/types.js';

const log = pino({ level: 'silent' });
let fake: FakeTelegram;
let telegram: PlatformDelivery;
let t: TestMarket;
let alice: MemberRef;
let firstCall = 0;

const dms = (userId: string | number) =>
  fake.calls.slice(firstCall).filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === Number(userId) && !c.error).map((c) => plain(String(c.params.text)));
const deliver = async () => {
  const { due: _due, rateLimited: _rateLimited, ...pass } = await deliverOutbox({ core: t.core, deliveries: [telegram], log });
  return pass;
};
const post = (hours: number, apples = 1) =>
  unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', apples]), want: items(['orange', 1]), hours }));

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  telegram = createTelegramDelivery({ token: fake.token, apiRoot: fake.apiRoot, botUsername: 'TradingPostBot', throttle: { out: { maxConcurrent: 10 }, group: { maxConcurrent: 10 } } });
});
afterAll(async () => fake.close());
beforeEach(() => {
  firstCall = fake.calls.length;
  t = createTestMarket();
  // The market is the fake's group; members' platform ids are Telegram user ids.
  t.db.sqlite.prepare("UPDATE markets SET platform_market_id = '-1001'").run();
  fake.addChat({ id: -1001, type: 'supergroup', title: 'Fruit market' });
  alice = t.core.ensureMember({ marketId: t.market.id, platformUserId: '501', displayName: 'Alice' });
  unwrap(t.core.grantItems(t.market.id, alice.id, alice.id, items(['apple', 3000])));
});
afterEach(() => {
  expect(t.core.audit().differences).toEqual([]);
  t.cleanup();
});

describe('expiry', () => {
  it('expires an offer at its moment, not before, and DMs the owner what came back', async () => {
    const offer = post(2, 5);
    t.clock.advance(2 * HOUR - 1);
    expect(await sweepExpiredOffers(t.core, log)).toBe(0);
    expect(t.core.getOffer(t.market.id, offer.id)?.status).toBe('active');
    t.clock.advance(1);
    expect(await sweepExpiredOffers(t.core, log)).toBe(1);
    expect(t.core.getOffer(t.market.id, offer.id)?.status).toBe('expired');
    expect(t.core.getInventory(alice.id).holdings).toEqual([{ item: expect.objectContaining({ slug: 'apple' }), quantity: 3000 }]);

    expect(await deliver()).toEqual({ sent: 1, retried: 0, unreachable: 0, rejected: 0 });
    // The DM names the market it is about, and offers the next step.
    expect(dms(501)).toEqual([`Test market\nYour offer #${offer.id} expired. 5 apple went back to your inventory.`]);
    expect(fake.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === 501).map((c) => c.params.reply_markup)).toEqual([
      { inline_keyboard: [[{ text: 'Post again', callback_data: `repost ${offer.id}` }]] },
    ]);
    expect(await deliver()).toEqual({ sent: 0, retried: 0, unreachable: 0, rejected: 0 });
    expect(dms(501)).toHaveLength(1);
  });

  it('catches up after a day down: everything overdue expires at the first run', async () => {
    for (let i = 0; i < 1200; i++) post(1 + (i % 23));
    const lateOne = post(48);
    t.clock.advance(24 * HOUR);
    expect(await sweepExpiredOffers(t.core, log, 500)).toBe(1200);
    expect(t.core.listMyOffers(alice.id, { status: 'active' }).entries.map((o) => o.id)).toEqual([lateOne.id]);
    expect(t.core.outboxCounts()).toEqual({ pending: 1200 });
  });
});

describe('delivery faults', () => {
  it('a 429 is retried after its retry-after, then delivered once', async () => {
    post(1);
    t.clock.advance(HOUR);
    await sweepExpiredOffers(t.core, log);
    fake.failNext('sendMessage', 1, { error_code: 429, description: 'Too Many Requests: retry after 30', retry_after: 30 });
    expect(await deliver()).toEqual({ sent: 0, retried: 1, unreachable: 0, rejected: 0 });
    t.clock.advance(29_000);
    expect(await deliver()).toEqual({ sent: 0, retried: 0, unreachable: 0, rejected: 0 }); // not due yet
    t.clock.advance(1_000);
    expect(await deliver()).toEqual({ sent: 1, retried: 0, unreachable: 0, rejected: 0 });
    expect(dms(501)).toHaveLength(1);
  });

  it('a 5xx is retried with backoff, then delivered once', async () => {
    post(1);
    t.clock.advance(HOUR);
    await sweepExpiredOffers(t.core, log);
    fake.failNext('sendMessage', 2, { error_code: 502, description: 'Bad Gateway' });
    expect((await deliver()).retried).toBe(1);
    t.clock.advance(5_000);
    expect((await deliver()).retried).toBe(1);
    t.clock.advance(9_999);
    expect((await deliver()).sent).toBe(0); // second backoff is 10 s
    t.clock.advance(1);
    expect((await deliver()).sent).toBe(1);
    expect(dms(501)).toHaveLength(1);
    expect(t.core.outboxCounts()).toEqual({ delivered: 1 });
  });

  it('a 403 marks the member unreachable, tells them once in the group, and delivers after /start', async () => {
    fake.blockUser(501);
    post(1);
    post(2);
    t.clock.advance(2 * HOUR);
    await sweepExpiredOffers(t.core, log);
    expect(await deliver()).toEqual({ sent: 0, retried: 0, unreachable: 1, rejected: 0 }); // the second waits: the member is unreachable
    expect(await deliver()).toEqual({ sent: 1, retried: 0, unreachable: 0, rejected: 0 }); // the notice, in the group
    expect(await deliver()).toEqual({ sent: 0, retried: 0, unreachable: 0, rejected: 0 });
    expect(dms(-1001)).toEqual([
      'Alice, I cannot send you private messages, so your trade notifications are waiting: open https://t.me/TradingPostBot?start=notifications and press Start to receive them.',
    ]);
    expect(dms(501)).toEqual([]);
    expect(t.core.outboxCounts()).toEqual({ pending: 2, delivered: 1 });

    // The member opens the private chat (the bot's /start handler calls markReachable).
    fake.sendText({ chat: { id: 501, type: 'private' }, from: { id: 501, first_name: 'Alice' }, text: 'hi' });
    expect(t.core.markReachable('telegram', '501')).toBe(2);
    expect(await deliver()).toEqual({ sent: 2, retried: 0, unreachable: 0, rejected: 0 });
    expect(dms(501)).toHaveLength(2);
    expect(dms(-1001)).toHaveLength(1);
  });

  it('a message the platform rejects for good is set aside; the member still gets the next ones', async () => {
    post(1);
    post(2);
    t.clock.advance(2 * HOUR);
    await sweepExpiredOffers(t.core, log);
    fake.failNext('sendMessage', 1, { error_code: 400, description: 'Bad Request: message is too long' });
    expect(await deliver()).toEqual({ sent: 1, retried: 0, unreachable: 0, rejected: 1 });
    expect(t.core.outboxCounts()).toEqual({ delivered: 1, undeliverable: 1 });
    expect(dms(-1001)).toEqual([]); // nobody is told to open a private chat: they can be reached
    expect(t.core.getMember(alice.id)?.unreachableSince).toBeNull();
  });

  it('two delivery passes at once never send the same notification twice', async () => {
    for (let i = 0; i < 40; i++) post(1);
    t.clock.advance(HOUR);
    await sweepExpiredOffers(t.core, log);
    const drain = async () => {
      let sent = 0;
      for (let pass = await deliver(); pass.sent > 0; pass = await deliver()) sent += pass.sent;
      return sent;
    };
    const [a, b] = await Promise.all([drain(), drain()]);
    expect(a + b).toBe(40);
    expect(new Set(dms(501)).size).toBe(40);
    expect(dms(501)).toHaveLength(40);
  });
});

describe('housekeeping', () => {
  it('prunes delivered notifications past their retention, never pending ones, and checkpoints the WAL', async () => {
    post(1);
    post(1);
    t.clock.advance(HOUR);
    await sweepExpiredOffers(t.core, log);
    fake.failNext('sendMessage', 1, { error_code: 500, description: 'Internal Server Error' });
    expect(await deliver()).toEqual({ sent: 1, retried: 1, unreachable: 0, rejected: 0 });
    const retention = 30 * 24 * HOUR;
    t.clock.advance(retention - 1);
    runHousekeeping(t.core, log, retention);
    expect(t.core.outboxCounts()).toEqual({ delivered: 1, pending: 1 });
    t.clock.advance(1);
    runHousekeeping(t.core, log, retention);
    expect(t.core.outboxCounts()).toEqual({ pending: 1 });
    const wal = t.db.checkpoint();
    expect(wal.checkpointed).toBe(wal.log);
  });
});
