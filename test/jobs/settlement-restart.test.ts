/**
 * Issue 10: a settlement timeout after a restart of the REAL bot process (`node --import tsx
 * src/main.ts`, as `npm start` runs it) against the fake Bot API.
 *
 * The first process takes the members' commands: Bobby takes Alice's offer and Alice accepts him
 * and confirms the handover (so the trade waits for Bobby's receipt), and Carol takes a second
 * offer that Alice leaves pending. Their DMs go out. The process is stopped; while it is down the
 * deadlines pass; a second process on the same file applies both timeouts at start: the
 * handed-over trade completes by itself, the pending one is cancelled with its reason, Carol is
 * refunded and the offer is open again. Each side gets their DM exactly once.
 *
 * The bot process has no clock a test can move (the core reads the real time; main.ts takes no
 * clock setting), and a market's hours are at least 1: so "the deadlines pass" is written into
 * the database while the bot is down, by moving each trade's `due_at` into the past, as
 * test/cli/start.test.ts does with an offer's `expires_at`. The market, its catalog and grants
 * are seeded through the core on the same file before the first start (the admin's commands are
 * covered by the Telegram e2e test); every trade step is a member's command to the bot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTradeCore, type TradeCore } from '../../src/core/trade-core.js';
import type { MemberRef } from '../../src/core/types.js';
import { openDatabase, type DatabaseWithDriver } from '../../src/db/connection.js';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { killStartedProcesses, startBot, waitUntil, type StartedProcess } from '../support/bot-process.js';
import { checkInvariants } from '../support/invariants.js';
import { items, unwrap } from '../support/market.js';
import { plain } from '../support/telegram-group.js';

const group: FakeChat = { id: -1009201, type: 'supergroup', title: 'Fruit market' };
const ada: FakeUser = { id: 920, first_name: 'Ada', username: 'ada' };
const alice: FakeUser = { id: 921, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 922, first_name: 'Bobby', username: 'bobby' };
const carol: FakeUser = { id: 923, first_name: 'Carol', username: 'carol' };
const WAIT_MS = 30_000;

let fake: FakeTelegram;
let dir: string;
let dbPath: string;
let reader: DatabaseWithDriver;
let core: TradeCore;
const bots: StartedProcess[] = [];
const members = new Map<number, MemberRef>();

const describeBots = () => bots.map((bot) => bot.describe()).join('\n');
const watching = () => ({ timeoutMs: WAIT_MS, watch: bots.filter((bot) => !bot.exited), describe: describeBots });

async function startTheBot(label: string): Promise<StartedProcess> {
  const polls = fake.pollCount;
  // Info logs: the settlement job's own lines say what it applied.
  const bot = startBot({ token: fake.token, apiRoot: fake.apiRoot, databasePath: dbPath, label, timeoutMs: 120_000, env: { DELIVERY_SCHEDULE: '* * * * * *', LOG_LEVEL: 'info' } });
  bots.push(bot);
  await waitUntil(`${label} to poll`, () => fake.pollCount > polls, watching());
  return bot;
}
async function stopTheBot(bot: StartedProcess) {
  bot.kill('SIGTERM');
  const run = await bot.done;
  expect(run.code, bot.describe()).toBe(0);
}

/** A member types a command in the group; waits until the database shows its effect. */
async function say(from: FakeUser, text: string, effect: string, done: () => boolean) {
  fake.sendText({ chat: group, from, text });
  await waitUntil(`${text} by ${from.first_name}: ${effect}`, done, watching());
}
const trade = (id: number) => core.findTrade(core.findMarket('telegram', String(group.id))!.id, id);
const offer = (id: number) => core.findOffer(id);
const pending = () => reader.sqlite.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE status = 'pending'").get()!.n;
const dmsTo = (user: FakeUser): string[] => fake.messages(user.id).map((m: Message) => plain(m.text ?? ''));
const holdings = (user: FakeUser) => Object.fromEntries(core.getInventory(members.get(user.id)!.id).holdings.map((h) => [h.item.slug, h.quantity]));
const cardOf = (offerId: number) => fake.messages(group.id).find((m) => new RegExp(`^Offer #${offerId}\\n`).test(plain(m.text ?? '')));

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  dir = mkdtempSync(join(tmpdir(), 'trading-post-settle-restart-'));
  dbPath = join(dir, 'trade.db');
  // The test's own connection: the seed before the first start, reads while the bot writes.
  reader = openDatabase(dbPath);
  core = createTradeCore({ db: reader });
  const market = core.ensureMarket({ platform: 'telegram', platformMarketId: String(group.id), title: group.title! });
  for (const name of ['apple', 'orange']) unwrap(core.addItem(market.id, null, { name }));
  for (const user of [ada, alice, bobby, carol]) {
    members.set(user.id, core.ensureMember({ marketId: market.id, platformUserId: String(user.id), displayName: user.first_name, username: user.username ?? null }));
  }
  const grant = (user: FakeUser, slug: string, quantity: number) => unwrap(core.grantItems(market.id, members.get(ada.id)!.id, members.get(user.id)!.id, items([slug, quantity])));
  grant(alice, 'apple', 10);
  grant(bobby, 'orange', 10);
  grant(carol, 'orange', 10);
  unwrap(core.setMarketSetting({ marketId: market.id, adminId: null, name: 'settlement', value: 'confirm' }));
});

afterAll(async () => {
  killStartedProcesses();
  await Promise.all(bots.map((bot) => bot.done));
  await fake?.close();
  reader?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('settlement timeouts after a restart of the bot process', () => {
  const before = new Map<number, number>();

  it('takes the members’ steps in the first process and delivers their DMs', async () => {
    const bot = await startTheBot('first bot');
    await say(alice, '/post give 2 apple want 3 orange', 'offer #1 open', () => offer(1)?.status === 'active');
    await say(alice, '/post give 1 apple want 1 orange', 'offer #2 open', () => offer(2)?.status === 'active');
    await say(bobby, '/accept 1', 'trade #1 pending', () => trade(1)?.status === 'pending');
    await say(alice, '/confirm 1', 'Bobby accepted', () => trade(1)?.status === 'processing');
    await say(alice, '/confirm 1', 'handover confirmed', () => trade(1)?.confirmedAt != null);
    await say(carol, '/accept 2', 'trade #2 pending', () => trade(2)?.status === 'pending');
    await waitUntil('every DM so far delivered', () => pending() === 0 && core.staleCards('telegram').length === 0, watching());
    await stopTheBot(bot);

    expect(dmsTo(bobby).filter((text) => text.includes('trade #1'))).toEqual([
      // His accept's answer is private, with Withdraw: the group does not see it.
      expect.stringContaining('You took offer #1: trade #1 is pending'),
      expect.stringContaining('Alice accepted you for trade #1'),
      expect.stringContaining('Alice says they handed you 2 apple (trade #1)'),
    ]);
    expect(dmsTo(alice).filter((text) => text.includes('wants your offer'))).toHaveLength(2);
    expect(plain(cardOf(2)?.text ?? '')).toContain('Being settled\nAccepted by Carol');
    // Nothing has moved yet: Bobby has not confirmed receipt.
    expect(holdings(bobby)).toEqual({ orange: 7 });
    expect(holdings(alice)).toEqual({ apple: 7 });
    for (const user of [alice, bobby, carol]) before.set(user.id, fake.messages(user.id).length);
  }, 90_000);

  it('applies both timeouts at the next start: one trade completes by itself, the other is cancelled; each side is told once', async () => {
    // While the bot is down, both deadlines pass (see the header: the process takes no clock).
    const past = Date.now() - 60_000;
    expect(reader.sqlite.prepare("UPDATE trades SET due_at = ? WHERE status IN ('pending', 'processing')").run(past).changes).toBe(2);

    const bot = await startTheBot('restarted bot');
    await waitUntil(
      'both timeouts applied, their DMs delivered and the cards updated',
      () => trade(1)?.status === 'completed' && trade(2)?.status === 'cancelled' && pending() === 0 && core.staleCards('telegram').length === 0,
      watching(),
    );
    // Stopped before counting: nothing more can be sent behind the count.
    await stopTheBot(bot);
    const settled = bot.exited!.stdout.split('\n').filter((line) => line.includes('"settlement timed out"'));
    expect(settled.map((line) => JSON.parse(line) as { job: string; trade: number; status: string; reason: string | null })).toEqual([
      expect.objectContaining({ job: 'settlement', trade: 1, status: 'completed', reason: null }),
      expect.objectContaining({ job: 'settlement', trade: 2, status: 'cancelled', reason: 'seller_accept_timeout' }),
    ]);

    expect(trade(2)?.cancelReason).toBe('seller_accept_timeout');
    const since = (user: FakeUser) => dmsTo(user).slice(before.get(user.id));
    expect(since(alice)).toEqual([
      'Fruit market\nTrade #1 with Bobby is complete (the time to confirm receipt ran out): you received 3 orange and gave 2 apple. Rate Bobby:',
      'Fruit market\nTrade #2 with Carol is cancelled: the owner did not accept the taker in time. Your offer #2 is open again.',
    ]);
    expect(since(bobby)).toEqual(['Fruit market\nTrade #1 with Alice is complete (the time to confirm receipt ran out): you received 2 apple and gave 3 orange. Rate Alice:']);
    expect(since(carol)).toEqual(['Fruit market\nTrade #2 with Alice is cancelled: the owner did not accept the taker in time. 1 orange went back to your inventory.']);

    expect(holdings(alice)).toEqual({ apple: 7, orange: 3 });
    expect(holdings(bobby)).toEqual({ orange: 7, apple: 2 });
    expect(holdings(carol)).toEqual({ orange: 10 });
    expect(offer(2)?.status).toBe('active');
    expect(plain(cardOf(1)?.text ?? '')).toContain('Traded\nAccepted by Bobby');
    expect(plain(cardOf(2)?.text ?? '')).toContain('Open');
    checkInvariants({ db: reader, core });
  }, 90_000);
});
