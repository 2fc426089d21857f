// The real grammY bot, long polling against a fake Bot API on 127.0.0.1, played by a group.
import type { Message } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, UNREACHABLE_NOTICE_EVERY_MS, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { HOUR, testClock } from '../support/market.js';
import { handledBy, plain, telegramGroup } from '../support/telegram-group.js';
import { startJobs } from '../../src/jobs/scheduler.js';
import { messagesFor } from '../../commands/messages/index.js';

const en = messagesFor('en');

const group: FakeChat = { id: -1001234, type: 'supergroup', title: 'Fruit market' };
const admin: FakeUser = { id: 100, first_name: 'Ada', username: 'ada_admin' };
const alice: FakeUser = { id: 101, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 102, first_name: 'Bobby', username: 'bobby' };
const carol: FakeUser = { id: 103, first_name: 'Carol' }; // no @username: named by reply or text mention
const dave: FakeUser = { id: 104, first_name: 'Dave', username: 'dave_d' };

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;
const clock = testClock();

/** Waits until the bot has handled `update` (and whatever else it had taken). */
const handled = (update: Parameters<FakeTelegram['waitForHandled']>[0]) => handledBy(fake, telegram, update);

const { say, press, texts, lastCard } = telegramGroup(() => fake, group, () => telegram);
async function privateAnswer(from: FakeUser, text: string) {
  const { calls } = await say(from, text);
  return texts(calls, from.id).map(plain).join('\n');
}

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore(clock);
  telegram = createTelegramBot({
    token: fake.token,
    apiRoot: fake.apiRoot,
    core: store.core,
    log: pino({ level: 'silent' }),
    pollingTimeoutSeconds: 1,
  });
  fake.setChatMemberStatus(group.id, admin.id, 'creator');
  await telegram.start();
  // Every member opens a private chat with the bot once (so it may write to them) and speaks in the group.
  for (const user of [admin, alice, bobby, carol, dave]) {
    await say(user, '/start', { chat: { id: user.id, type: 'private' } });
    await say(user, '/help');
  }
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('Telegram bot end to end', () => {
  it('publishes its menu, with /admin only for administrators', () => {
    const everyone = fake.commands({ type: 'default' }).map((c) => c.command);
    const admins = fake.commands({ type: 'all_chat_administrators' }).map((c) => c.command);
    expect(everyone).toEqual(expect.arrayContaining(['help', 'inventory', 'post', 'market', 'offer', 'accept', 'cancel', 'myoffers', 'trades', 'rate', 'profile']));
    expect(everyone).not.toContain('admin');
    expect(admins).toContain('admin');
  });

  it('lets the admin build the catalog and grant items by @username, reply and text mention', async () => {
    expect(texts((await say(admin, '/admin item-add apple emoji 🍎')).calls)).toEqual(['Added "apple" to the catalog (written "apple" in commands).']);
    await say(admin, '/admin item-add orange');
    expect(texts((await say(admin, '/admin@TradingPostBot grant @alice 10 apple')).calls)).toEqual(['Granted 10 🍎 apple to Alice.']);
    await say(admin, '/admin grant @bobby 10 orange');
    const carolSaid = (await say(carol, 'hello all')).update.message;
    expect(texts((await say(admin, '/admin grant 5 orange', { replyTo: carolSaid })).calls)).toEqual(['Granted 5 orange to Carol.']);
    const mention = '/admin grant Dave 5 orange';
    const entities = [
      { type: 'bot_command' as const, offset: 0, length: 6 },
      { type: 'text_mention' as const, offset: 13, length: 4, user: { id: dave.id, is_bot: false, first_name: 'Dave' } },
    ];
    expect(texts((await say(admin, mention, { entities })).calls)).toEqual(['Granted 5 orange to Dave.']);
  });

  it('refuses /admin to a member who is not an administrator, changing nothing', async () => {
    expect(texts((await say(alice, '/admin grant @alice 100 apple')).calls)).toEqual(['Only administrators of this group can do that.']);
    expect(await privateAnswer(alice, '/inventory')).toContain('You hold: 10 🍎 apple');
  });

  it('posts a card, and a press on Accept swaps both inventories and updates the card', async () => {
    const posted = texts((await say(alice, '/post give 5 apple want 3 orange note ripe & <fresh>')).calls);
    expect(plain(posted[0] ?? '')).toContain('Offer #1');
    const card = lastCard();
    expect(card.text).toContain('Note: ripe & <fresh>');
    expect(card.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Accept', 'Details', 'Cancel']);

    const calls = await press(bobby, card, 'accept 1');
    const answer = calls.find((c) => c.method === 'answerCallbackQuery');
    expect(answer?.params.text).toBe('Done! Trade #1 with Alice (offer #1): you received 5 🍎 apple and gave 3 orange.');
    const edited = fake.message(group.id, card.message_id);
    expect(edited?.text).toContain('Traded');
    expect(edited?.text).toContain('Accepted by Bobby');
    expect(edited?.reply_markup).toBeUndefined();

    expect(await privateAnswer(bobby, '/inventory')).toContain('You hold: 5 🍎 apple, 7 orange');
    expect(await privateAnswer(alice, '/inventory')).toContain('You hold: 5 🍎 apple, 3 orange');
    expect(await privateAnswer(bobby, '/trades')).toMatch(/Trade #1 \(\d{4}-\d{2}-\d{2}\) with Alice: you gave 3 orange, got 5 🍎 apple/);
  });

  it('lets exactly one of two simultaneous Accept presses win; the other is told', async () => {
    await say(alice, '/post give 2 apple want 1 orange');
    const card = lastCard();
    const before = fake.calls.length;
    const first = fake.pressButton({ message: card, from: carol, data: 'accept 2' });
    const second = fake.pressButton({ message: card, from: dave, data: 'accept 2' });
    await handled(second);
    const answers = fake.calls.slice(before).filter((c) => c.method === 'answerCallbackQuery');
    expect(answers.map((c) => c.params.callback_query_id).sort()).toEqual([first.callback_query.id, second.callback_query.id].sort());
    const texts_ = answers.map((c) => String(c.params.text));
    expect(texts_.filter((t) => t.startsWith('Done!'))).toHaveLength(1);
    expect(texts_.filter((t) => t === 'Offer #2 is no longer available (it is completed). See the open offers with /market.')).toHaveLength(1);
    expect(answers.find((c) => String(c.params.text).startsWith('Offer #2'))?.params.show_alert).toBe(true);
    expect(store.core.audit().ok).toBe(true);
  });

  it('lets the owner cancel by button and get the items back; others may not', async () => {
    await say(alice, '/post give 3 apple want 1 orange');
    const card = lastCard();
    const refused = await press(bobby, card, 'cancel 3');
    expect(refused.find((c) => c.method === 'answerCallbackQuery')?.params).toMatchObject({ text: 'Only the member who posted #3 can cancel it; see your own offers with /myoffers.', show_alert: true });
    const done = await press(alice, card, 'cancel 3');
    expect(done.find((c) => c.method === 'answerCallbackQuery')?.params.text).toBe('Offer #3 is cancelled; 3 🍎 apple went back to your inventory.');
    expect(fake.message(group.id, card.message_id)?.text).toContain('Cancelled by its owner');
    expect(await privateAnswer(alice, '/inventory')).toContain('You hold: 3 🍎 apple');
  });

  it('takes both ratings once and refuses a second', async () => {
    expect(texts((await say(bobby, '/rate 1 5 smooth trade')).calls)).toEqual(['You gave Alice ★★★★★ for trade #1. Thank you!']);
    expect(texts((await say(alice, '/rate 1 4')).calls)).toEqual(['You gave Bobby ★★★★☆ for trade #1. Thank you!']);
    expect(texts((await say(bobby, '/rate 1 1')).calls)).toEqual(['You have already rated trade #1; each side rates once. See your other trades with /trades.']);
    // One 5-star rating from one partner: (5 x 3 + 5) / 6, near the neutral prior.
    expect(await privateAnswer(alice, '/profile')).toContain('Reputation: 3.3 / 5 from 1 partner');
  });

  it.each([
    ['/post give 100 apple want 1 orange', 'You need 100 more apple (you have 0).'],
    ['/post give 1 apple', 'Missing "want". Usage: /post give ITEMS want ITEMS [hours N] [to @member] [note TEXT]'],
    ['/post give 1 banana want 1 orange', 'There is no item called "banana" here. See the catalog with /catalog or ask an admin to add it.'],
    ['/post give 1 apple want 1 orange hours 0', '"hours" must be a whole number from 1 to 720.'],
    ['/accept 99', 'There is no offer #99 in this market. See the open offers with /market.'],
    ['/accept 1', 'Offer #1 is no longer available (it is completed). See the open offers with /market.'],
    ['/cancel 2', 'Only the member who posted #2 can cancel it; see your own offers with /myoffers.'],
    ['/rate 2 5', 'You were not part of trade #2. See your own trades with /trades.'],
    ['/rate 1 6', '"stars" must be a whole number from 1 to 5.'],
  ])('answers %s with one sentence', async (line, sentence) => {
    const { calls } = await say(dave, line);
    expect(texts(calls).map(plain)).toEqual([sentence]);
  });

  it('shows the market, and opens an offer in private through its deep link', async () => {
    await say(alice, '/post give 1 apple want 1 orange');
    const market = texts((await say(dave, '/market')).calls).map(plain);
    expect(market[0]).toContain('#4 Alice: gives 1 🍎 apple, wants 1 orange');
    const details = await press(dave, lastCard(), 'offer 4');
    expect(details.find((c) => c.method === 'answerCallbackQuery')?.params.url).toBe('https://t.me/TradingPostBot?start=offer_4');
    const opened = await say(dave, '/start offer_4', { chat: { id: dave.id, type: 'private' } });
    expect(plain(texts(opened.calls, dave.id)[0] ?? '')).toContain('Offer #4');
  });

  it('in a private chat, acts on the group used last and lets /markets switch', async () => {
    const otherGroup: FakeChat = { id: -1005555, type: 'supergroup', title: 'Book swap' };
    await say(bobby, '/help', { chat: otherGroup });
    const dm = { id: bobby.id, type: 'private' as const };
    const listed = texts((await say(bobby, '/markets', { chat: dm })).calls, bobby.id);
    expect(listed).toEqual([expect.stringMatching(/1\. Fruit market\n2\. Book swap \(current\)/)]);
    expect(texts((await say(bobby, '/inventory', { chat: dm })).calls, bobby.id).join('\n')).toContain('You hold no items yet');
    // The answer is about the market picked, and names it like every private answer.
    expect(texts((await say(bobby, '/markets 1', { chat: dm })).calls, bobby.id)).toEqual(['Fruit market\nCommands here now act on "Fruit market".']);
    expect(texts((await say(bobby, '/markets 3', { chat: dm })).calls, bobby.id)).toEqual([
      'Fruit market\nYou trade in 2 markets, so there is no market 3: send /markets to see their numbers.',
    ]);
    expect(texts((await say(bobby, '/inventory', { chat: dm })).calls, bobby.id).join('\n')).toContain('You hold: 5 🍎 apple, 7 orange');
  });

  it('opens by link only offers of a group the member trades in', async () => {
    const stranger: FakeUser = { id: 999, first_name: 'Eve' };
    // Someone who trades nowhere learns what the bot is and where to start, whatever they send.
    const newcomerAnswer = `${en.help.intro}\n\nUse me in a group first: there, every command works on that group's market.`;
    const opened = await say(stranger, '/start offer_1', { chat: { id: stranger.id, type: 'private' } });
    expect(texts(opened.calls, stranger.id)).toEqual([newcomerAnswer]);
    expect(texts((await say(stranger, '/market', { chat: { id: stranger.id, type: 'private' } })).calls, stranger.id)).toEqual([newcomerAnswer]);

  });

  it('does not take the first message of a forum topic for the member being named', async () => {
    const topicStart = (await say(alice, 'Trading topic')).update.message;
    const inTopic = { ...topicStart, forum_topic_created: { name: 'Trading', icon_color: 0 } } as Message;
    const { calls } = await say(admin, '/admin grant 1 apple', { replyTo: inTopic });
    expect(texts(calls)).toEqual(['"member" must name a member: reply to their message, mention them, or write their @username.']);
  });

  it('still answers a press whose card was deleted meanwhile', async () => {
    await say(alice, '/post give 1 apple want 1 orange');
    const card = lastCard();
    await telegram.bot.api.deleteMessage(group.id, card.message_id);
    const calls = await press(dave, card, `accept ${/#(\d+)/.exec(card.text ?? '')?.[1]}`, true);
    expect(calls.find((c) => c.method === 'answerCallbackQuery')?.params.text).toMatch(/^Done! Trade #\d+ with Alice/);
  });

  it('moves the market with the group when it becomes a supergroup', async () => {
    const before = store.core.findMarket('telegram', String(group.id));
    fake.pushUpdate({ message: { message_id: 9000, date: 0, chat: { id: group.id, type: 'group', title: 'Fruit market' }, from: { id: admin.id, is_bot: false, first_name: 'Ada' }, migrate_to_chat_id: -1009999 } } as never);
    await handled(undefined);
    expect(store.core.findMarket('telegram', '-1009999')?.id).toBe(before?.id);
    store.core.moveMarket('telegram', '-1009999', String(group.id)); // back, for the tests after this one
  });

  it('asks a member who never opened a private chat to do so, in the group at most once in ten minutes', async () => {
    fake.neverStarted(dave.id);
    const notice = 'I cannot write to you privately yet: open https://t.me/TradingPostBot?start=hello and press Start, then ask again.';
    expect(texts((await say(dave, '/inventory')).calls)).toEqual([notice]);
    // Asking again soon after: the notice just above still says it; the group's budget is spared.
    const again = await say(dave, '/trades');
    expect(texts(again.calls)).toEqual([]);
    expect(again.calls.filter((c) => c.method === 'sendMessage' && !c.error)).toEqual([]);
    // Another member is told on their own account.
    fake.neverStarted(carol.id);
    expect(texts((await say(carol, '/inventory')).calls)).toEqual([notice]);
    clock.advance(UNREACHABLE_NOTICE_EVERY_MS);
    expect(texts((await say(dave, '/inventory')).calls)).toEqual([notice]);
    // Once they press Start, the answers go to the private chat again.
    await say(dave, '/start', { chat: { id: dave.id, type: 'private' } });
    await say(carol, '/start', { chat: { id: carol.id, type: 'private' } });
    const answered = await say(dave, '/inventory');
    expect(texts(answered.calls)).toEqual([]);
    expect(texts(answered.calls, dave.id).join('\n')).toContain('You hold');
  });

  it('does not run an update twice when Telegram hands it out again after a crash', async () => {
    const before = store.core.listMyOffers(store.core.findMember(store.core.currentMarket('telegram', String(alice.id))!.id, String(alice.id))!.id, { size: 25 }).entries.length;
    const update = fake.sendText({ chat: group, from: alice, text: '/post give 1 apple want 1 orange' });
    await handled(update);
    await telegram.bot.handleUpdate(structuredClone(update)); // the same update_id, as after a restart
    const after = store.core.listMyOffers(store.core.findMember(store.core.currentMarket('telegram', String(alice.id))!.id, String(alice.id))!.id, { size: 25 }).entries.length;
    expect(after).toBe(before + 1);
  });

  it('keeps polling after a handler failure and answers with a short sentence', async () => {
    fake.failNext('getChatMember', 1, { error_code: 400, description: 'Bad Request: member list is inaccessible' });
    expect(texts((await say(admin, '/admin grant @alice 1 apple')).calls)).toEqual([
      'Something went wrong on my side. Check /myoffers or /inventory before trying again in a moment.',
    ]);
    expect(texts((await say(admin, '/admin grant @alice 1 apple')).calls)).toEqual(['Granted 1 🍎 apple to Alice.']);
    expect(store.core.audit().ok).toBe(true);
  });

  it('lets a member who never typed a command open an offer from its Details button', async () => {
    await say(alice, '/post give 1 apple want 1 orange');
    const card = lastCard();
    const offer = /#(\d+)/.exec(card.text ?? '')?.[1];
    const newcomer: FakeUser = { id: 105, first_name: 'Fred' };
    const details = await press(newcomer, card, `offer ${offer}`);
    expect(details.find((c) => c.method === 'answerCallbackQuery')?.params.url).toBe(`https://t.me/TradingPostBot?start=offer_${offer}`);
    const opened = await say(newcomer, `/start offer_${offer}`, { chat: { id: newcomer.id, type: 'private' } });
    expect(plain(texts(opened.calls, newcomer.id)[0] ?? '')).toContain(`Offer #${offer}`);
  });

  it('makes a button on a card in the private chat act on the card’s own market', async () => {
    await say(alice, '/post give 1 apple want 1 orange');
    const offer = /#(\d+)/.exec(lastCard().text ?? '')?.[1];
    const dm: FakeChat = { id: bobby.id, type: 'private' };
    await say(bobby, `/offer ${offer}`, { chat: dm });
    const privateCard = [...fake.messages(bobby.id)].reverse().find((m) => m.reply_markup);
    if (!privateCard) throw new Error('no card in the private chat');
    await say(bobby, '/help', { chat: { id: -1006666, type: 'supergroup', title: 'Plant swap' } }); // now the current market
    const calls = await press(bobby, privateCard, `accept ${offer}`);
    expect(calls.find((c) => c.method === 'answerCallbackQuery')?.params.text).toMatch(/^Done! Trade #\d+ with Alice/);
    // Away from the group, membership is asked of Telegram once per press, not once per check.
    expect(calls.filter((c) => c.method === 'getChatMember')).toHaveLength(1);
  });

  it('publishes a menu of the catalog’s commands, /start and /markets included, /admin for admins only', () => {
    const everyone = fake.commands().map((entry) => entry.command);
    expect(everyone).toEqual(expect.arrayContaining(['start', 'help', 'markets', 'post', 'catalog', 'rate']));
    expect(everyone).not.toContain('admin');
    expect(fake.commands({ type: 'all_chat_administrators' }).map((entry) => entry.command)).toEqual([...everyone, 'admin']);
  });

  it('greets a member opening the private chat, and says when a link opens nothing', async () => {
    const dm: FakeChat = { id: bobby.id, type: 'private' };
    expect(texts((await say(bobby, '/start', { chat: dm })).calls, bobby.id)[0]).toContain(en.help.intro);
    expect(texts((await say(bobby, '/start trade_7', { chat: dm })).calls, bobby.id).join('\n')).toContain('That link does not open anything I know. Send /help to see what I can do.');
  });

  it('answers /markets in a group privately, never listing someone’s groups to the group', async () => {
    const { calls } = await say(bobby, '/markets');
    // Not even an "I answered you privately": Telegram shows Bobby the private message.
    expect(texts(calls)).toEqual([]);
    expect(texts(calls, bobby.id).join('\n')).toContain('Fruit market');
  });

  it('shows an offer posted from the private chat in its group too', async () => {
    await say(admin, '/admin grant @alice 2 apple');
    const dm: FakeChat = { id: alice.id, type: 'private' };
    const { calls } = await say(alice, '/post give 1 apple want 2 orange note from my phone', { chat: dm });
    expect(texts(calls, alice.id).join('\n')).toContain('from my phone');
    expect(texts(calls).join('\n')).toContain('from my phone');
    expect(lastCard().reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Accept', 'Details', 'Cancel']);
  });

  it('turns a card whose offer has expired into its final state on the next press', async () => {
    await say(admin, '/admin grant @alice 1 apple');
    await say(alice, '/post give 1 apple want 1 orange hours 1');
    const card = lastCard();
    const offer = /#(\d+)/.exec(card.text ?? '')?.[1];
    clock.advance(2 * HOUR); // past its expiry; the sweep has not run yet
    const calls = await press(dave, card, `accept ${offer}`);
    expect(calls.find((c) => c.method === 'answerCallbackQuery')?.params).toMatchObject({ show_alert: true });
    const now = fake.message(group.id, card.message_id);
    expect(now?.text).toContain('Expired');
    expect(now?.reply_markup).toBeUndefined();
  });

  it('keeps every card of an offer true to it when a typed command changes the offer', async () => {
    await say(admin, '/admin grant @alice 1 apple');
    await say(alice, '/post give 1 apple want 1 orange');
    const card = lastCard();
    const offer = /#(\d+)/.exec(card.text ?? '')?.[1];
    await say(bobby, `/offer ${offer}`, { chat: { id: bobby.id, type: 'private' } }); // a second card, in private
    const privateCard = [...fake.messages(bobby.id)].reverse().find((m) => m.reply_markup);
    await say(bobby, `/accept ${offer}`);
    for (const shown of [fake.message(group.id, card.message_id), fake.message(bobby.id, privateCard!.message_id)]) {
      expect(shown?.text).toContain('Accepted by Bobby');
      expect(shown?.reply_markup).toBeUndefined();
    }
  });

  it('shows an expiry on the card once the sweep has run, without anyone pressing it', async () => {
    await say(admin, '/admin grant @alice 1 apple');
    await say(alice, '/post give 1 apple want 1 orange hours 1');
    const card = lastCard();
    clock.advance(2 * HOUR);
    // The scheduled jobs, as `npm start` runs them: the expiry sweep, then the card job.
    const jobs = startJobs({ core: store.core, log: pino({ level: 'silent' }), deliveries: [], cardEditors: [telegram.cardEditor], retentionMs: HOUR });
    try {
      await jobs.run('expiry');
      await jobs.run('cards');
    } finally {
      await jobs.stop();
    }
    const shown = fake.message(group.id, card.message_id);
    expect(shown?.text).toContain('Expired');
    expect(shown?.reply_markup).toBeUndefined();
    expect(store.core.staleCards('telegram')).toEqual([]);
  });

  it('forgets a card whose message was deleted instead of retrying it forever', async () => {
    await say(admin, '/admin grant @alice 1 apple');
    await say(alice, '/post give 1 apple want 1 orange');
    const card = lastCard();
    await telegram.bot.api.deleteMessage(group.id, card.message_id);
    await say(alice, `/cancel ${/#(\d+)/.exec(card.text ?? '')?.[1]}`);
    expect(store.core.staleCards('telegram')).toEqual([]);
  });
});
