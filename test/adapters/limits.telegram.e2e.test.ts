// Issue 13, limits against abuse, on Telegram: the real grammY bot against the fake Bot API, on a
// market with the limits it ships with and a clock the test moves. A member past the rate limit is
// told once in the group and then left unanswered there, while a press still gets its popup; the
// cap on open offers; the newcomer gate; and an admin's /admin commands, never counted.
import type { Message } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { startFakeTelegram, type FakeCall, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { checkInvariants } from '../support/invariants.js';
import { HOUR, testClock } from '../support/market.js';
import { buttonsOf, handledBy, telegramGroup } from '../support/telegram-group.js';

const SECOND = 1_000;
const group: FakeChat = { id: -1001301, type: 'supergroup', title: 'Limited market' };
const admin: FakeUser = { id: 1301, first_name: 'Ada', username: 'ada_admin' };
const alice: FakeUser = { id: 1302, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 1303, first_name: 'Bobby', username: 'bobby' };
const dan: FakeUser = { id: 1304, first_name: 'Dan', username: 'dan' };
const erin: FakeUser = { id: 1305, first_name: 'Erin', username: 'erin' };
const finn: FakeUser = { id: 1306, first_name: 'Finn', username: 'finn' };

const clock = testClock();
let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;
const log = pino({ level: 'silent' });
const { say, press, texts } = telegramGroup(() => fake, group, () => telegram);
const said = async (from: FakeUser, text: string) => texts((await say(from, text)).calls);
const offerOf = (card: Message) => Number(/Offer #(\d+)/.exec(card.text ?? '')?.[1]);
const alertOf = (calls: FakeCall[]) => calls.find((call) => call.method === 'answerCallbackQuery')?.params;
const acceptOn = (card: Message) => String(buttonsOf(card).find(([label]) => label === 'Accept')?.[1]);
/** `12:00:30`, as the refusal writes a time. */
const hms = (at: number) => new Date(at).toISOString().slice(11, 19);
/** A time as the gate's refusal shows it: the first whole minute at or after it. */
const minute = (at: number) => `${new Date(Math.ceil(at / 60_000) * 60_000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Posts an offer; returns its card, the newest message in the group. */
async function post(from: FakeUser, line: string): Promise<Message> {
  const answer = await said(from, line);
  expect(answer[0], answer.join('\n')).toMatch(/^Offer #\d+/);
  return fake.messages(group.id).at(-1)!;
}

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore(clock, { limits: 'shipped' });
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log, pollingTimeoutSeconds: 1 });
  fake.setChatMemberStatus(group.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby]) {
    await say(user, '/start', { chat: { id: user.id, type: 'private' } });
    await say(user, '/help');
  }
  for (const item of ['apple', 'orange', 'pear']) await say(admin, `/admin item-add ${item}`);
  await say(admin, '/admin grant @alice 10 apple');
  await say(admin, '/admin grant @bobby 10 orange');
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('limits on Telegram', () => {
  let bobbysCard: Message;

  it('never counts an admin’s /admin commands, and shows each limit with its unit', async () => {
    expect(await said(admin, '/admin config rate-commands 3')).toEqual(['rate-commands is now 3 commands.']);
    expect(await said(admin, '/admin config rate-seconds 60')).toEqual(['rate-seconds is now 60 seconds.']);
    expect(await said(admin, '/admin config newcomer-hours')).toEqual(['newcomer-hours takes a whole number of hours from 0 to 720 (0 or off: no limit).']);
    // Far past 3 in a minute: every one answered.
    for (let i = 0; i < 5; i += 1) expect((await said(admin, '/admin config')).join('\n')).toContain('rate-commands: 3 commands\nrate-seconds: 60 seconds\nmax-open-offers: 20 offers (default)');
  });

  it('tells a member past the rate limit once when to go on, then leaves the group in peace; a press still gets its popup', async () => {
    bobbysCard = await post(bobby, '/post give 1 orange want 1 apple');
    clock.advance(61 * SECOND);
    const start = clock();
    for (let i = 0; i < 3; i += 1) expect((await said(alice, '/market'))[0]).toContain(`#${offerOf(bobbysCard)} Bobby`);
    const goOn = `You are sending commands too fast: wait 60 seconds and go on from ${hms(start + 60 * SECOND)} UTC.`;
    expect(await said(alice, '/market')).toEqual([goOn]);
    clock.advance(10 * SECOND);
    for (const line of ['/market', '/inventory', '/post give 1 apple want 1 orange']) {
      const { calls } = await say(alice, line);
      expect(calls.filter((call) => call.method === 'sendMessage'), line).toEqual([]);
    }

    // A press answers in its own popup, whose text only she sees; nothing is taken, the card stays.
    const calls = await press(alice, bobbysCard, acceptOn(bobbysCard));
    expect(alertOf(calls)).toMatchObject({ text: `You are sending commands too fast: wait 50 seconds and go on from ${hms(start + 60 * SECOND)} UTC.`, show_alert: true });
    expect(calls.filter((call) => call.method !== 'answerCallbackQuery')).toEqual([]);
    expect(store.core.findOffer(offerOf(bobbysCard))?.status).toBe('active');

    // At the time it said, she goes on.
    clock.set(start + 60 * SECOND);
    expect((await said(alice, '/market'))[0]).toContain(`#${offerOf(bobbysCard)} Bobby`);
  });

  it('refuses an offer past the cap with what to do, and takes it once one closed', async () => {
    clock.advance(61 * SECOND);
    await say(admin, '/admin config max-open-offers 1');
    const first = await post(alice, '/post give 1 apple want 1 pear');
    expect(await said(alice, '/post give 2 apple want 1 pear')).toEqual([
      'You have 1 open offer already, the most this market allows: cancel one (/myoffers lists them) or wait until one is taken or expires, then post again.',
    ]);
    await say(alice, `/cancel ${offerOf(first)}`);
    clock.advance(61 * SECOND); // Her three commands a minute are spent.
    await post(alice, '/post give 2 apple want 1 pear');
  });

  it('keeps a newcomer from posting and accepting until their time in the market is up', async () => {
    clock.advance(61 * SECOND);
    await say(admin, '/admin config newcomer-hours 24');
    // Telegram does not tell bots when someone joined: the time counts from the bot first seeing Dan.
    const seen = clock();
    const gate = `Newcomers wait 24 hours here before posting or accepting offers: you may from ${minute(seen + 24 * HOUR)}.`;
    expect(await said(dan, '/post give 1 pear want 1 apple')).toEqual([gate]);
    const calls = await press(dan, bobbysCard, acceptOn(bobbysCard));
    expect(alertOf(calls)).toMatchObject({ text: gate, show_alert: true });
    await say(admin, '/admin grant @dan 1 pear');

    clock.set(seen + 24 * HOUR);
    await post(dan, '/post give 1 pear want 1 apple hours 48');
  });

  it('counts a newcomer’s time from the join Telegram announced in the group, when the bot saw it', async () => {
    clock.advance(61 * SECOND);
    const join = async (user: FakeUser, at: number) => {
      const update = fake.pushUpdate({ message: { message_id: 90_000 + user.id, date: Math.floor(at / 1000), chat: group, from: user, new_chat_members: [user] } as never });
      await handledBy(fake, telegram, update);
    };
    await join(erin, clock() - 25 * HOUR);
    const finnJoined = clock() - HOUR;
    await join(finn, finnJoined);
    await say(admin, '/admin grant @erin 1 pear');
    await say(admin, '/admin grant @finn 1 pear');
    await post(erin, '/post give 1 pear want 1 apple');
    expect(await said(finn, '/post give 1 pear want 1 apple')).toEqual([
      `Newcomers wait 24 hours here before posting or accepting offers: you may from ${minute(Math.floor(finnJoined / 1000) * 1000 + 24 * HOUR)}.`,
    ]);
    checkInvariants(store);
  });
});
