// What "every notification is sent once, and nothing is lost" means under slow sends, rate limits,
// failed group posts and members who come and go: against the fake Bot API, on a real SQLite file,
// with a controlled clock. A second core on its own connection to the same file stands for a
// second process.
import { plain } from '../support/telegram-group.js';
import type { Reply } from '../../commands/definition.js';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramDelivery } from '../../src/adapters/telegram/delivery.js';
import { createTradeCore, type TradeCore } from '../../src/core/trade-core.js';
import type { MemberRef } from '../../src/core/types.js';
import { openDatabase, type Database } from '../../src/db/connection.js';
import { deliverOutbox, drainOutbox } from '../../src/jobs/delivery.js';
import type { DeliveryOutcome, PlatformDelivery } from '../../src/platform.js';
import { sweepExpiredOffers } from '../../src/jobs/expiry.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram-api.js';
import { HOUR, createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

const log = pino({ level: 'silent' });
const GROUP = -1001;
const NOTICE = (name: string) =>
  `${name}, I cannot send you private messages, so your trade notifications are waiting: open https://t.me/TradingPostBot?start=notifications and press Start to receive them.`;

let fake: FakeTelegram;
let telegram: PlatformDelivery;
let t: TestMarket;
let firstCall = 0;
let nextUserId = 600;
const others: Database[] = [];

/** Messages the fake accepted for this chat since the test began, as they read. */
const sentTo = (chatId: number) =>
  fake.calls.slice(firstCall).filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === chatId && !c.error).map((c) => plain(String(c.params.text)));
const requests = () => fake.calls.slice(firstCall).filter((c) => c.method === 'sendMessage').length;
const deliver = async (core: TradeCore = t.core) => {
  const { due: _due, rateLimited: _rateLimited, ...pass } = await deliverOutbox({ core, deliveries: [telegram], log });
  return pass;
};
const nothing = { sent: 0, retried: 0, unreachable: 0, rejected: 0 };

/** A member of the market, with a Telegram user id of their own. */
function newMember(name: string): MemberRef & { userId: number } {
  const userId = nextUserId++;
  const member = t.core.ensureMember({ marketId: t.market.id, platformUserId: String(userId), displayName: name });
  unwrap(t.core.grantItems(t.market.id, member.id, member.id, items(['apple', 100])));
  return { ...member, userId };
}

/** Posts an offer for `member` that expires in an hour; returns the DM its expiry will send. */
function offerExpiringSoon(member: MemberRef): string {
  const offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: member.id, give: items(['apple', 1]), want: items(['orange', 1]), hours: 1 }));
  return `Test market\nYour offer #${offer.id} expired. 1 apple went back to your inventory.`;
}

async function expireAll() {
  t.clock.advance(HOUR);
  await sweepExpiredOffers(t.core, log);
}

/** The member opens the private chat again: the fake unblocks them, the bot's /start handler marks them reachable. */
function comesBack(member: { userId: number; name?: string }) {
  fake.sendText({ chat: { id: member.userId, type: 'private' }, from: { id: member.userId, first_name: 'Member' }, text: '/start' });
  return t.core.markReachable('telegram', String(member.userId));
}

/** Another process on the same database file: its own connection and core, the test's clock. */
function secondProcess(): TradeCore {
  const db = openDatabase(t.path);
  others.push(db);
  return createTradeCore({ db, clock: t.clock });
}

/**
 * Wraps a delivery so that the platform's answer to each direct message is held until the test
 * lets it through: the message has gone out, the sender does not know it yet.
 */
function slowAnswers(delivery: PlatformDelivery) {
  const held: Array<() => void> = [];
  let arrived: (() => void) | undefined;
  let holding = true;
  return {
    delivery: {
      ...delivery,
      async sendDirect(userId: string, reply: Reply): Promise<DeliveryOutcome> {
        const outcome = await delivery.sendDirect(userId, reply);
        if (holding) {
          await new Promise<void>((resolve) => {
            held.push(resolve);
            arrived?.();
          });
        }
        return outcome;
      },
    } satisfies PlatformDelivery,
    /** Resolves once a message has been sent and its answer is being held. */
    async sent(): Promise<void> {
      while (held.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
    },
    /** Lets the oldest held answer through. */
    answer(): void {
      held.shift()?.();
    },
    /** Lets every answer through, now and from now on. */
    stopHolding(): void {
      holding = false;
      for (const resolve of held.splice(0)) resolve();
    },
  };
}

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  fake.addChat({ id: GROUP, type: 'supergroup', title: 'Fruit market' });
  telegram = createTelegramDelivery({ token: fake.token, apiRoot: fake.apiRoot, botUsername: 'TradingPostBot', throttle: { out: { maxConcurrent: 10 }, group: { maxConcurrent: 10 } } });
});
afterAll(async () => fake.close());
beforeEach(() => {
  firstCall = fake.calls.length;
  t = createTestMarket();
  t.db.sqlite.prepare(`UPDATE markets SET platform_market_id = '${GROUP}'`).run();
});
afterEach(() => {
  expect(t.core.audit().differences).toEqual([]);
  for (const db of others.splice(0)) db.close();
  t.cleanup();
});

describe('a slow send', () => {
  it('holds only the row being sent: another process sends the rest, and each message goes out exactly once', async () => {
    const alice = newMember('Alice');
    const expected = Array.from({ length: 5 }, () => offerExpiringSoon(alice));
    await expireAll();
    const other = secondProcess();

    // The first process sends; Telegram is slow to answer, 20 s a message.
    const slow = slowAnswers(telegram);
    const first = drainOutbox({ core: t.core, deliveries: [slow.delivery], log });
    await slow.sent();
    t.clock.advance(20_000);
    slow.answer();
    await slow.sent();
    t.clock.advance(20_000);
    // 40 s after the first process began: longer than a lease (30 s), not longer than one send's.
    const second = await drainOutbox({ core: other, deliveries: [telegram], log });
    slow.stopHolding();
    const firstPass = await first;

    expect(firstPass.sent + second.sent).toBe(5);
    expect([...sentTo(alice.userId)].sort()).toEqual([...expected].sort());
    expect(t.core.outboxCounts()).toEqual({ delivered: 5 });
  });

  it('a sender that outlived its lease cannot free the row while the process that took it over is sending it', async () => {
    const alice = newMember('Alice');
    offerExpiringSoon(alice);
    await expireAll();
    const id = t.core.dueNotifications({ platforms: ['telegram'], limit: 10 })[0]!.id;
    const late = t.core.claimNotification(id, 30_000)!;
    t.clock.advance(30_000);
    const other = secondProcess();
    const current = other.claimNotification(id, 30_000)!;
    expect(current).toBeDefined();

    // The first sender's send finally fails (say, its request timed out): its record does not apply.
    expect(t.core.retryLater(late, 0, 'timed out')).toBe(false);
    expect(secondProcess().claimNotification(id, 30_000)).toBeUndefined(); // still held: no third send
    expect(t.core.markDelivered(late)).toBe(false);
    expect(other.markDelivered(current)).toBe(true);
    expect(t.core.outboxCounts()).toEqual({ delivered: 1 });
  });

  it('a Telegram answer slower than the request timeout is a retry, not a send that outlasts the lease', async () => {
    const slowFake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
    let answer: (() => void) | undefined;
    slowFake.handle('sendMessage', async (params: { chat_id: number; text: string }) => {
      await new Promise<void>((resolve) => (answer = resolve));
      return { message_id: 1, date: 0, chat: { id: params.chat_id, type: 'private' }, text: params.text };
    });
    try {
      const delivery = createTelegramDelivery({ token: slowFake.token, apiRoot: slowFake.apiRoot, botUsername: 'TradingPostBot', timeoutSeconds: 1 });
      const alice = newMember('Alice');
      offerExpiringSoon(alice);
      await expireAll();
      const pass = await deliverOutbox({ core: t.core, deliveries: [delivery], log });
      expect(pass).toMatchObject({ sent: 0, retried: 1 });
      expect(t.core.outboxCounts()).toEqual({ pending: 1 });
    } finally {
      answer?.();
      await slowFake.close();
    }
  });
});

describe('rate limits', () => {
  it("a 429 stops the rest of the platform's batch: one request hits the limit, everyone is served after it", async () => {
    const members = Array.from({ length: 12 }, (_, k) => newMember(`Member ${k}`));
    const expected = members.map((member) => offerExpiringSoon(member));
    await expireAll();
    fake.failNext('sendMessage', 1, { error_code: 429, description: 'Too Many Requests: retry after 30', retry_after: 30 });

    expect(await drainOutbox({ core: t.core, deliveries: [telegram], log })).toEqual({ ...nothing, retried: 1 });
    expect(requests()).toBe(1);
    t.clock.advance(29_999);
    expect(await drainOutbox({ core: t.core, deliveries: [telegram], log })).toEqual(nothing);
    t.clock.advance(1);
    expect(await drainOutbox({ core: t.core, deliveries: [telegram], log })).toEqual({ ...nothing, sent: 12 });
    expect(members.map((member) => sentTo(member.userId))).toEqual(expected.map((text) => [text]));
    // Waiting with the batch is not a failed attempt: only the first row's backoff grew.
    const attempts = t.db.sqlite.prepare('SELECT attempts FROM outbox ORDER BY id').all().map((row) => (row as { attempts: number }).attempts);
    expect(attempts).toEqual([2, ...Array<number>(11).fill(1)]);
  });
});

describe('the notice in the market chat', () => {
  it('survives a failed post: it is posted on a later pass, exactly once per unreachable period', async () => {
    const alice = newMember('Alice');
    const firstDm = offerExpiringSoon(alice);
    await expireAll();
    fake.blockUser(alice.userId);
    expect(await deliver()).toEqual({ ...nothing, unreachable: 1 });

    // The group post fails (Telegram is down for a moment): the notice waits in the outbox.
    fake.failNext('sendMessage', 1, { error_code: 502, description: 'Bad Gateway' });
    expect(await deliver()).toEqual({ ...nothing, retried: 1 });
    expect(sentTo(GROUP)).toEqual([]);
    t.clock.advance(5_000);
    expect(await deliver()).toEqual({ ...nothing, sent: 1 });
    expect(sentTo(GROUP)).toEqual([NOTICE('Alice')]);

    // Still unreachable: a new notification waits, and the group is not told again.
    const secondDm = offerExpiringSoon(alice);
    await expireAll();
    expect(await deliver()).toEqual(nothing);
    expect(sentTo(GROUP)).toHaveLength(1);

    // They come back: both messages arrive. Blocked again later: a new period, one new notice.
    expect(comesBack(alice)).toBe(2);
    expect(await deliver()).toEqual({ ...nothing, sent: 2 });
    expect(sentTo(alice.userId)).toEqual([firstDm, secondDm]);
    fake.blockUser(alice.userId);
    offerExpiringSoon(alice);
    await expireAll();
    expect(await deliver()).toEqual({ ...nothing, unreachable: 1 });
    expect(await deliver()).toEqual({ ...nothing, sent: 1 });
    expect(sentTo(GROUP)).toEqual([NOTICE('Alice'), NOTICE('Alice')]);
    expect(await deliver()).toEqual(nothing);
  });

  it('is dropped, not posted, when the member can be reached again before it went out', async () => {
    const alice = newMember('Alice');
    const dm = offerExpiringSoon(alice);
    await expireAll();
    fake.blockUser(alice.userId);
    expect(await deliver()).toEqual({ ...nothing, unreachable: 1 });
    fake.failNext('sendMessage', 1, { error_code: 429, description: 'Too Many Requests: retry after 5', retry_after: 5 });
    expect(await deliver()).toEqual({ ...nothing, retried: 1 });

    expect(comesBack(alice)).toBe(1);
    t.clock.advance(HOUR);
    expect(await deliver()).toEqual({ ...nothing, sent: 1 });
    expect(await deliver()).toEqual(nothing);
    expect(sentTo(alice.userId)).toEqual([dm]);
    expect(sentTo(GROUP)).toEqual([]);
  });
});

describe('coming back', () => {
  it('delivers what waited for the member, never a message the platform rejected for good', async () => {
    const alice = newMember('Alice');
    const tooLong = offerExpiringSoon(alice);
    const waiting = [offerExpiringSoon(alice), offerExpiringSoon(alice)];
    await expireAll();
    // The first message is refused for good; then the member blocks the bot.
    fake.failNext('sendMessage', 1, { error_code: 400, description: 'Bad Request: message is too long' });
    fake.blockUser(alice.userId);
    expect(await deliver()).toEqual({ ...nothing, rejected: 1, unreachable: 1 });
    expect(await deliver()).toEqual({ ...nothing, sent: 1 }); // the notice

    expect(comesBack(alice)).toBe(2);
    expect(await deliver()).toEqual({ ...nothing, sent: 2 });
    expect(comesBack(alice)).toBe(0); // was not unreachable any more: nothing to re-queue
    t.clock.advance(HOUR);
    expect(await deliver()).toEqual(nothing);
    expect(sentTo(alice.userId)).toEqual(waiting);
    expect(sentTo(alice.userId)).not.toContain(tooLong);
    expect(t.core.outboxCounts()).toEqual({ delivered: 3, undeliverable: 1 });
  });
});
