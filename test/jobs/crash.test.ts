/**
 * A crash test: kill -9 the bot process while members post and accept, start it again; the
 * audit finds no difference and every notification is delivered.
 *
 * The REAL bot (`node --import tsx src/main.ts`, as `npm start` runs it) polls a fake Bot API in
 * this process, on a database file in a temporary folder, delivering the outbox every second.
 * The admin builds the catalog and grants items through group commands; then members push a
 * steady stream of /post, /accept and /cancel without waiting for answers. The bot is killed
 * with SIGKILL at the worst moment the test can pick: just as the fake has answered a
 * notification DM, before the bot can record it as delivered, with commands still queued. It is
 * started again on the same file, the stream goes on a little, then the test waits until every
 * update is confirmed and nothing in the outbox is pending, and checks the database (audit,
 * invariants), the notifications (each delivered, at most one resend), the answers after the
 * restart, what the crash lost, and a graceful SIGTERM.
 *
 * The bot handles updates concurrently (grammY's runner), confirming them to Telegram as it takes
 * them: the commands queued behind their group at the kill were taken, so Telegram never hands
 * them out again. They were written to the inbox first, and the restarted bot runs them: the test
 * checks that every command pushed is answered exactly once, except the one the killed process
 * had in flight (claimed: not run again, its effect stands), and that some commands confirmed to
 * Telegram before the kill were indeed answered only after the restart, from the inbox.
 *
 * Timing: the fake keeps the group to Telegram's per-chat flood limit (about one message a
 * second; 429 with retry_after beyond it, which the bot waits out), so commands are answered about
 * once a second and a backlog builds. The notification the killed process was sending stays
 * leased to it for the outbox lease (30 s, `DEFAULT_LEASE_MS`) before the restarted process may
 * send it, so this test takes well over half a minute by construction.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message, Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../src/core/outbox.js';
import { createTradeCore, type TradeCore } from '../../src/core/trade-core.js';
import { openDatabase, type DatabaseWithDriver } from '../../src/db/connection.js';
import { notificationText } from '../../src/jobs/delivery.js';
import { startFakeTelegram, type FakeCall, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { killStartedProcesses, startBot, waitUntil, type StartedProcess } from '../support/bot-process.js';
import { checkInvariants } from '../support/invariants.js';

const group: FakeChat = { id: -1001, type: 'supergroup', title: 'Fruit market' };
const admin: FakeUser = { id: 100, first_name: 'Ada', username: 'ada_admin' };
const alice: FakeUser = { id: 101, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 102, first_name: 'Bobby', username: 'bobby' };
const carol: FakeUser = { id: 103, first_name: 'Carol' }; // no @username: granted by replying to her message
const traders = [alice, bobby, carol];

/** One command every this many ms: faster than the bot answers (about one a second, the group flood limit), so a backlog builds. */
const PUSH_EVERY_MS = 350;
/** The kill comes with the first notification DM after the stream has run this long. */
const STREAM_BEFORE_KILL_MS = 3_000;
/** The stream goes on this long after the restarted bot polls. */
const STREAM_AFTER_RESTART_MS = 4_000;
/** The outbox lease (30 s) plus the delivery tick, the group flood limit and slack. */
const SETTLE_TIMEOUT_MS = 80_000;
const START_TIMEOUT_MS = 20_000;

let fake: FakeTelegram;
let dir: string;
let dbPath: string;
let reader: DatabaseWithDriver;
let core: TradeCore;
const bots: StartedProcess[] = [];

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  fake.setChatMemberStatus(group.id, admin.id, 'creator');
  fake.limitChat(group.id, { messages: 1, perSeconds: 1 });
  dir = mkdtempSync(join(tmpdir(), 'trading-post-crash-'));
  dbPath = join(dir, 'trade.db');
  // The test's own connection: reads while the bot writes, and the audit at the end.
  reader = openDatabase(dbPath);
  core = createTradeCore({ db: reader });
});

afterAll(async () => {
  killStartedProcesses();
  await Promise.all(bots.map((bot) => bot.done));
  await fake?.close();
  reader?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const describeBots = () => bots.map((bot) => bot.describe()).join('\n');

/** Starts the bot and waits until it asks for updates (with a backlog it never holds a poll open). */
async function startTheBot(label: string): Promise<StartedProcess> {
  const polls = fake.pollCount;
  const bot = startBot({
    token: fake.token,
    apiRoot: fake.apiRoot,
    databasePath: dbPath,
    label,
    timeoutMs: 150_000,
    env: { DELIVERY_SCHEDULE: '* * * * * *', LOG_LEVEL: 'warn' },
  });
  bots.push(bot);
  await waitUntil(`${label} to poll`, () => fake.pollCount > polls, { timeoutMs: START_TIMEOUT_MS, watch: [bot], describe: describeBots });
  return bot;
}

const isReplyTo = (call: FakeCall, update: Update & { message: Message }) =>
  call.method === 'sendMessage' &&
  !call.error &&
  Number(call.params.chat_id) === update.message.chat.id &&
  Number(call.params.reply_parameters?.message_id) === update.message.message_id;

/**
 * Sends a message and waits until the bot has answered it: a command in the group by a reply to
 * it, one in a private chat by a message there. Anything else only until the bot took it (the
 * bot confirms updates as it takes them, before handling them).
 */
async function say(from: FakeUser, text: string, options: { chat?: FakeChat; replyTo?: Message } = {}) {
  const since = Date.now();
  const update = fake.sendText({ chat: options.chat ?? group, from, text, ...(options.replyTo ? { replyTo: options.replyTo } : {}) });
  const chatId = update.message.chat.id;
  if (!text.startsWith('/')) await fake.waitForHandled(update, 15_000);
  else if (chatId > 0) await fake.waitFor((call) => call.method === 'sendMessage' && !call.error && Number(call.params.chat_id) === chatId && call.at >= since, 15_000);
  else await fake.waitFor((call) => isReplyTo(call, update), 15_000);
  return update;
}
const repliesTo = (update: Update & { message: Message }) => fake.calls.filter((call) => isReplyTo(call, update));
const plain = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

interface Pushed {
  from: FakeUser;
  text: string;
  update: Update & { message: Message };
  at: number;
}

/** Members post, accept each other's offers and cancel their own, without waiting for answers. */
function startStream() {
  const pushed: Pushed[] = [];
  const activeOffer = reader.sqlite.prepare<[string, string], { id: number }>(`
    SELECT o.id FROM offers o JOIN members m ON m.id = o.owner_id
    WHERE o.status = 'active' AND (m.platform_user_id = ?) = (? = 'own') ORDER BY o.id DESC LIMIT 1`);
  const offerOf = (user: FakeUser, whose: 'own' | 'other') => activeOffer.get(String(user.id), whose)?.id;
  let step = 0;
  let stopped = false;
  const next = (): string => {
    const from = traders[step % traders.length]!;
    const round = Math.floor(step / traders.length);
    step += 1;
    const kind = (step + round) % 4;
    if (kind === 1) {
      const id = offerOf(from, 'other');
      if (id !== undefined) return `${from.id} /accept ${id}`;
    } else if (kind === 3) {
      const id = offerOf(from, 'own');
      if (id !== undefined) return `${from.id} /cancel ${id}`;
    }
    return step % 2 === 0 ? `${from.id} /post give 1 apple want 1 orange` : `${from.id} /post give 2 orange want 1 apple hours 2`;
  };
  const push = () => {
    const [userId, ...words] = next().split(' ');
    const from = traders.find((user) => String(user.id) === userId)!;
    const text = words.join(' ');
    pushed.push({ from, text, update: fake.sendText({ chat: group, from, text }), at: Date.now() });
  };
  const loop = (async () => {
    while (!stopped) {
      push();
      await new Promise((resolve) => setTimeout(resolve, PUSH_EVERY_MS));
    }
  })();
  return {
    pushed,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * Offers whose change was committed but whose member never got the answer saying so: posted
 * without a card, accepted without a "Done!" to the taker, cancelled without "is cancelled".
 */
function silentEffects(pushed: readonly Pushed[]): string[] {
  const answers = (command: string, userId?: number) =>
    pushed
      .filter((p) => p.text.startsWith(command) && (userId === undefined || p.from.id === userId))
      .flatMap((p) => repliesTo(p.update).map((call) => plain(String(call.params.text))));
  const offers = reader.sqlite
    .prepare<[], { id: number; status: string; owner: string; taker: string | null }>(`
      SELECT o.id, o.status, ow.platform_user_id AS owner, tk.platform_user_id AS taker
      FROM offers o JOIN members ow ON ow.id = o.owner_id LEFT JOIN members tk ON tk.id = o.accepted_by_id ORDER BY o.id`)
    .all();
  const found: string[] = [];
  for (const offer of offers) {
    if (!answers('/post', Number(offer.owner)).some((text) => text.startsWith(`Offer #${offer.id}\n`))) found.push(`#${offer.id} posted without a card`);
    if (offer.status === 'completed' && !answers('/accept', Number(offer.taker)).some((text) => text.includes(`(offer #${offer.id})`) && text.startsWith('Done!'))) {
      found.push(`#${offer.id} accepted by ${offer.taker}, who was never told (answers: ${JSON.stringify(answers(`/accept ${offer.id}`, Number(offer.taker)))})`);
    }
    if (offer.status === 'cancelled' && !answers('/cancel', Number(offer.owner)).some((text) => text.startsWith(`Offer #${offer.id} is cancelled;`))) {
      found.push(`#${offer.id} cancelled by its owner, who was never told (answers: ${JSON.stringify(answers(`/cancel ${offer.id}`, Number(offer.owner)))})`);
    }
  }
  return found;
}

describe('kill -9 of the bot while members trade', () => {
  it('keeps the books whole: the audit is clean, every notification is delivered (at most once again), no command runs twice', { timeout: 150_000 }, async () => {
    const startedAt = Date.now();
    const first = await startTheBot('bot (first run)');

    // Everyone opens a private chat with the bot, so it may write to them.
    for (const user of [admin, ...traders]) await say(user, '/start', { chat: { id: user.id, type: 'private' } });
    // The admin builds the catalog and grants items: by @username (Alice spoke to the bot first) and by reply.
    const setup = [
      await say(admin, '/admin item-add apple'),
      await say(admin, '/admin item-add orange'),
      await say(alice, '/help'),
      await say(admin, '/admin grant @alice 1000 apple, 1000 orange'),
    ];
    for (const user of [bobby, carol]) {
      const hello = await say(user, `hello, ${user.first_name} here`);
      setup.push(await say(admin, '/admin grant 1000 apple, 1000 orange', { replyTo: hello.message }));
    }
    const setupAnswers = setup.map((update) => repliesTo(update).map((call) => plain(String(call.params.text))));
    expect(setupAnswers.filter((_, k) => k !== 2), describeBots()).toEqual([
      ['Added "apple" to the catalog (written "apple" in commands).'],
      ['Added "orange" to the catalog (written "orange" in commands).'],
      ['Granted 1000 apple, 1000 orange to Alice.'],
      ['Granted 1000 apple, 1000 orange to Bobby.'],
      ['Granted 1000 apple, 1000 orange to Carol.'],
    ]);
    const setupDoneAt = Date.now();
    // The stream's offers mirror each other and are meant to be accepted: loops (tested in loops.*) off.
    core.setLoops(core.findMarket('telegram', String(group.id))!.id, false);

    // The stream starts; kill -9 right as the fake answers a notification DM, before the bot records it.
    const stream = startStream();
    const streamStartedAt = Date.now();
    const isNotificationDm = (call: FakeCall) =>
      call.method === 'sendMessage' && !call.error && Number(call.params.chat_id) > 0 && call.at >= streamStartedAt + STREAM_BEFORE_KILL_MS;
    let killed: FakeCall;
    try {
      killed = await fake.waitFor(isNotificationDm, 30_000);
    } catch (error) {
      throw new Error(`no notification DM during the stream: ${String(error)}\n${describeBots()}`);
    }
    first.kill('SIGKILL');
    const killedAt = Date.now();
    const firstRun = await first.done;
    expect(firstRun.signal, first.describe()).toBe('SIGKILL');
    const killedDuring = { text: plain(String(killed.params.text)), chatId: Number(killed.params.chat_id) };
    const pushedBeforeKill = stream.pushed.length;
    const unansweredAtKill = stream.pushed.filter((p) => repliesTo(p.update).length === 0).length;
    const leasedAtKill = reader.sqlite.prepare<[number], { n: number }>("SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND lease_until > ?").get(killedAt)!.n;

    // Start again on the same file and keep going a little.
    const second = await startTheBot('bot (after the crash)');
    const restartedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, STREAM_AFTER_RESTART_MS));
    await stream.stop();
    const pushed = stream.pushed;

    // Every update confirmed, every notification out (the dead process's leases run out first).
    const pending = reader.sqlite.prepare<[], { pending: number; rows: number }>(
      "SELECT (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending, (SELECT count(*) FROM outbox) AS rows",
    );
    // A command the killed process had in hand (claimed) is not run again (at most once) and may
    // stay unanswered. Every other command is answered, those it had only taken (confirmed to
    // Telegram, queued behind their group) from the inbox after the restart.
    const claimedBy = reader.sqlite.prepare<[string, number], { n: number }>(
      "SELECT count(*) AS n FROM handled_updates WHERE platform = 'telegram' AND update_key = ? AND handled_at < ?",
    );
    const claimedBeforeRestart = (p: Pushed) => claimedBy.get(String(p.update.update_id), restartedAt)!.n === 1;
    const confirmedBeforeKill = (p: Pushed) => (fake.confirmedAt(p.update) ?? Number.POSITIVE_INFINITY) < killedAt;
    await waitUntil(
      'every update handled and nothing pending in the outbox',
      () => pending.get()!.pending === 0 && pushed.every((p) => repliesTo(p.update).length > 0 || claimedBeforeRestart(p)),
      { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 100, watch: [second], describe: () => `${JSON.stringify(pending.get())}\n${describeBots()}` },
    );
    await fake.waitForHandled(undefined, 10_000);
    const settledAt = Date.now();

    // The database is sound: the ledger audit and every invariant.
    expect(core.audit().differences, describeBots()).toEqual([]);
    checkInvariants({ db: reader, core });

    // Every notification delivered; each reached its member at least once and at most twice.
    const rows = reader.sqlite
      .prepare<[], { id: number; status: string; payload: string; userId: string; attempts: number; market: string | null }>(`
        SELECT n.id, n.status, n.payload, m.platform_user_id AS userId, n.attempts, k.title AS market
        FROM outbox n JOIN members m ON m.id = n.recipient_id JOIN markets k ON k.id = n.market_id ORDER BY n.id`)
      .all();
    expect(rows.length, 'the stream made notifications').toBeGreaterThan(0);
    expect(rows.filter((row) => row.status !== 'delivered')).toEqual([]);
    const dms = new Map<string, number>();
    for (const call of fake.calls) {
      if (call.method !== 'sendMessage' || call.error || Number(call.params.chat_id) <= 0) continue;
      const key = `${Number(call.params.chat_id)} ${plain(String(call.params.text))}`;
      dms.set(key, (dms.get(key) ?? 0) + 1);
    }
    // A DM as its member reads it: the market it is about, then the notification.
    const shown = (row: (typeof rows)[number]) => [row.market, notificationText(JSON.parse(row.payload) as Notification)].filter(Boolean).join('\n');
    const received = rows.map((row) => ({ id: row.id, attempts: row.attempts, times: dms.get(`${row.userId} ${shown(row)}`) ?? 0 }));
    expect(received.filter((r) => r.times === 0), 'notifications that never reached their member').toEqual([]);
    expect(received.filter((r) => r.times > 2), 'notifications sent more than twice').toEqual([]);
    const resent = received.filter((r) => r.times === 2);
    // Only the one the kill interrupted (sent, not yet recorded) can have been sent twice.
    expect(resent.length, JSON.stringify(resent)).toBeLessThanOrEqual(1);
    for (const r of resent) {
      const row = rows.find((candidate) => candidate.id === r.id)!;
      expect({ chatId: Number(row.userId), text: shown(row) }).toEqual(killedDuring);
    }

    // The bot answered commands after the restart, including ones pushed after it.
    const afterRestart = pushed.filter((p) => p.at > restartedAt);
    expect(afterRestart.length).toBeGreaterThan(0);
    for (const p of afterRestart) expect(repliesTo(p.update).filter((call) => call.at > restartedAt), `no answer to "${p.text}"`).not.toEqual([]);

    // Graceful shutdown: SIGTERM, exit 0 within a few seconds.
    const termAt = Date.now();
    second.kill('SIGTERM');
    const stopped = await Promise.race([second.done, new Promise<undefined>((resolve) => setTimeout(resolve, 5_000, undefined))]);
    expect(stopped, `the bot did not stop within 5 s of SIGTERM\n${second.describe()}`).toBeDefined();
    expect(stopped?.code, second.describe()).toBe(0);
    const stopMs = Date.now() - termAt;

    // Graceful stop started (and finished) everything it took: nothing is left to run in the inbox.
    expect(core.unstartedUpdates('telegram').length, 'updates left never started in the inbox after SIGTERM').toBe(0);

    // No command ran twice: Telegram hands out again the batch not confirmed before the kill, the
    // inbox recognises it, and the restarted bot skips any command the killed process claimed.
    const handledTwice = pushed.filter((p) => repliesTo(p.update).length > 1);
    expect(handledTwice.map((p) => p.text)).toEqual([]);
    // None lost: a command left unanswered was the one the killed process had in hand (claimed;
    // its effect, if committed, stands). The group's commands run one at a time, so there is at
    // most one; every command it had only taken ran after the restart, from the inbox.
    const unanswered = pushed.filter((p) => repliesTo(p.update).length === 0);
    for (const p of unanswered) expect(claimedBeforeRestart(p), `"${p.text}" unanswered, yet not in hand at the kill: lost`).toBe(true);
    expect(unanswered.length, `left unanswered: ${unanswered.map((p) => `"${p.text}"`).join(', ')}`).toBeLessThanOrEqual(1);
    const fromInbox = pushed.filter((p) => confirmedBeforeKill(p) && !claimedBeforeRestart(p) && repliesTo(p.update).every((call) => call.at > killedAt));
    expect(fromInbox.length, 'commands Telegram had been told about before the kill, answered only after the restart').toBeGreaterThan(0);
    const offersPosted = reader.sqlite.prepare<[], { n: number }>('SELECT count(*) AS n FROM offers').get()!.n;
    // An effect nobody was told about can only be the command in flight's.
    const silent = silentEffects(pushed);
    expect(silent.length, silent.join('; ')).toBeLessThanOrEqual(unanswered.length);
    console.info(
      [
        `crash test: setup ${setupDoneAt - startedAt} ms; killed ${killedAt - streamStartedAt} ms into the stream, as the fake answered "${killedDuring.text}" to ${killedDuring.chatId}`,
        `  at the kill: ${pushedBeforeKill} commands pushed, ${unansweredAtKill} not yet answered, ${leasedAtKill} notification(s) leased to the dead process`,
        `  restarted in ${restartedAt - killedAt} ms; ${pushed.length} commands in all (${afterRestart.length} after the restart), ${offersPosted} offers, ${rows.length} notifications`,
        `  settled ${settledAt - killedAt} ms after the kill; ${resent.length} notification(s) sent twice (ids ${resent.map((r) => r.id).join(', ') || '-'}), ` +
          `${rows.filter((r) => r.attempts > 1).length} claimed more than once`,
        `  commands answered twice: ${handledTwice.map((p) => `"${p.text}"`).join(', ') || 'none'}; in hand at the kill, left unanswered: ${unanswered.map((p) => `"${p.text}"`).join(', ') || 'none'}`,
        `  confirmed to Telegram before the kill and answered after the restart, from the inbox: ${fromInbox.length}`,
        `  done by the killed process but never confirmed to the member: ${silent.join('; ') || 'none'}`,
        `  SIGTERM to exit: ${stopMs} ms; whole test ${Date.now() - startedAt} ms`,
      ].join('\n'),
    );
  });
});
