import { autoRetry } from '@grammyjs/auto-retry';
import { Api, Bot, GrammyError, InlineKeyboard, type PollingOptions } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser } from './telegram-api.js';

const group: FakeChat = { id: -1001234567890, type: 'supergroup', title: 'Barter Hall' };
const alice: FakeUser = { id: 1111, first_name: 'Alice', username: 'alice_trades' };
const bob: FakeUser = { id: 2222, first_name: 'Bob' };

let fake: FakeTelegram;
let bots: Array<{ bot: Bot; running: Promise<void> }>;
let errors: unknown[];

beforeEach(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostTestBot' });
  bots = [];
  errors = [];
});

afterEach(async () => {
  for (const { bot, running } of bots) {
    await bot.stop();
    await running;
  }
  await fake.close();
  expect(errors).toEqual([]);
});

function newBot(withBotInfo = false): Bot {
  const bot = new Bot(fake.token, {
    client: { apiRoot: fake.apiRoot },
    ...(withBotInfo ? { botInfo: fake.botInfo } : {}),
  });
  bot.catch((err) => errors.push(err));
  return bot;
}

/** Starts long polling with a short timeout and resolves once the bot is polling. */
async function start(bot: Bot, options: PollingOptions = {}): Promise<void> {
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const running = bot.start({ timeout: 1, ...options, onStart: () => ready() });
  bots.push({ bot, running });
  await Promise.race([started, running.then(() => Promise.reject(new Error('bot stopped before it started')))]);
}

describe('fake Telegram Bot API with the real grammY client', () => {
  it('starts the bot and routes /ping (also /ping@BotUsername) to the command handler', async () => {
    const bot = newBot();
    bot.command('ping', (ctx) => ctx.reply(`pong ${ctx.match}`.trim()));
    await start(bot);

    expect(fake.sent().map((c) => c.method).slice(0, 2)).toEqual(['getMe', 'deleteWebhook']);
    expect(bot.botInfo.username).toBe('TradingPostTestBot');

    const first = fake.sendText({ chat: group, from: alice, text: '/ping' });
    expect(first.message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 5 }]);
    const reply = await fake.waitFor((c) => c.method === 'sendMessage');
    expect(reply.params).toMatchObject({ chat_id: group.id, text: 'pong' });

    fake.sendText({ chat: group, from: bob, text: '/ping@OtherBot' }); // addressed to another bot
    fake.sendText({ chat: group, from: bob, text: '/ping@TradingPostTestBot now' });
    await fake.waitForHandled();
    expect(fake.sent('sendMessage').map((c) => c.params.text)).toEqual(['pong', 'pong now']);

    const [m1, m2] = fake.messages(group.id);
    expect(m1).toMatchObject({ chat: { id: group.id, type: 'supergroup', title: 'Barter Hall' }, from: { is_bot: true }, text: 'pong' });
    // The bot's messages share the chat's message_id sequence with the users' messages.
    expect(m1!.message_id).toBe(first.message.message_id + 1);
    expect(m2!.message_id).toBeGreaterThan(m1!.message_id);
  });

  it('delivers a button press to bot.callbackQuery, which answers and edits the message', async () => {
    const bot = newBot(true);
    bot.command('offer', (ctx) =>
      ctx.reply('Alice offers 3 apples', { reply_markup: new InlineKeyboard().text('Accept', 'accept:7').text('Decline', 'decline:7') }),
    );
    bot.callbackQuery(/^accept:(\d+)$/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: `Offer ${ctx.match[1]} accepted` });
      await ctx.editMessageText(`Accepted by ${ctx.from.first_name}`);
    });
    await start(bot);

    fake.sendText({ chat: group, from: alice, text: '/offer' });
    await fake.waitFor((c) => c.method === 'sendMessage');
    const [offer] = fake.messages(group.id);
    expect(offer?.reply_markup?.inline_keyboard[0]?.map((b) => b.text)).toEqual(['Accept', 'Decline']);

    expect(() => fake.pressButton({ message: offer!, from: bob, data: 'nope' })).toThrow(/no button/);
    const press = fake.pressButton({ message: offer!, from: bob, data: 'accept:7' });
    expect(press.callback_query.message?.message_id).toBe(offer!.message_id);
    await fake.waitFor((c) => c.method === 'editMessageText');
    await fake.waitForHandled();

    expect(fake.callbackAnswers()).toEqual([{ callback_query_id: press.callback_query.id, text: 'Offer 7 accepted' }]);
    const edited = fake.message(group.id, offer!.message_id);
    expect(edited?.text).toBe('Accepted by Bob');
    expect(edited?.reply_markup).toBeUndefined(); // editing without reply_markup drops the keyboard
    expect(edited?.edit_date).toBeTypeOf('number');
    expect(fake.messages(group.id)).toHaveLength(1);

    // Answering the same query twice is refused, like Telegram does.
    await expect(bot.api.answerCallbackQuery(press.callback_query.id)).rejects.toMatchObject({ error_code: 400 });
  });

  it('with auto-retry, a 429 with retry_after is retried and the message is delivered', async () => {
    const bot = newBot(true);
    bot.api.config.use(autoRetry());
    bot.command('ping', (ctx) => ctx.reply('pong'));
    await start(bot);

    fake.failNext('sendMessage', 1, { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    fake.sendText({ chat: group, from: alice, text: '/ping' });
    const ok = await fake.waitFor((c) => c.method === 'sendMessage' && !c.error);

    const attempts = fake.sent('sendMessage');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.error).toEqual({ error_code: 429, description: 'Too Many Requests: retry after 1' });
    expect(ok.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
    expect(fake.messages(group.id).map((m) => m.text)).toEqual(['pong']);
  });

  it('refuses messages to a chat over its flood limit with 429 and retry_after; other chats are not limited', async () => {
    const bot = newBot(true);
    const elsewhere: FakeChat = { id: -1009876543210, type: 'supergroup', title: 'Plant swap' };
    fake.addChat(group);
    fake.addChat(elsewhere);
    fake.limitChat(group.id, { messages: 2, perSeconds: 60 });
    await bot.api.sendMessage(group.id, 'one');
    await bot.api.sendMessage(group.id, 'two');
    const refused = await bot.api.sendMessage(group.id, 'three').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GrammyError);
    // The oldest message leaves the window in (just under) a minute.
    expect(refused).toMatchObject({ error_code: 429, description: 'Too Many Requests: retry after 60', parameters: { retry_after: 60 } });
    await bot.api.sendMessage(elsewhere.id, 'not limited');
    expect(fake.messages(group.id).map((m) => m.text)).toEqual(['one', 'two']);
    expect(fake.sent('sendMessage').map((c) => c.error?.error_code)).toEqual([undefined, undefined, 429, undefined]);
  });

  it('adds latencyMs to every answer, getUpdates included, and says when each update was confirmed', async () => {
    const slow = await startFakeTelegram({ latencyMs: 100 });
    try {
      const api = new Api(slow.token, { apiRoot: slow.apiRoot });
      let started = Date.now();
      await api.getMe();
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      const update = slow.sendText({ chat: group, from: alice, text: '/ping' });
      started = Date.now();
      expect((await api.getUpdates({ timeout: 0 })).map((u) => u.update_id)).toEqual([update.update_id]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      // Handed out, not yet confirmed: that takes a later call with a higher offset.
      expect(slow.confirmedAt(update)).toBeUndefined();
      const before = Date.now();
      expect(await api.getUpdates({ offset: update.update_id + 1, timeout: 0 })).toEqual([]);
      expect(slow.confirmedAt(update)).toBeGreaterThanOrEqual(before);
    } finally {
      await slow.close();
    }
  });

  it('answers 403 for a user who blocked the bot or never started it', async () => {
    const bot = newBot(true);
    fake.blockUser(alice.id);
    fake.neverStarted(bob.id);

    const blocked = await bot.api.sendMessage(alice.id, 'Your offer was accepted').catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(GrammyError);
    expect(blocked).toMatchObject({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    await expect(bot.api.sendMessage(bob.id, 'hi')).rejects.toMatchObject({
      error_code: 403,
      description: "Forbidden: bot can't initiate conversation with a user",
    });
    expect(fake.messages(alice.id)).toEqual([]);

    // Writing to the bot in private means the user (re)started it.
    fake.sendText({ chat: { id: bob.id, type: 'private' }, from: bob, text: '/start' });
    const sent = await bot.api.sendMessage(bob.id, 'welcome');
    expect(sent.chat).toEqual({ id: bob.id, type: 'private', first_name: 'Bob' });
    // A never-seen group is unknown to Telegram too.
    await expect(bot.api.sendMessage(-42, 'x')).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: chat not found' });
  });

  it('delivers every update exactly once and in order, honouring offset and limit', async () => {
    const seen: string[] = [];
    const bot = newBot(true);
    bot.on('message:text', (ctx) => {
      seen.push(ctx.message.text);
    });
    // Pushed while no poll is pending; limit 2 forces several batches.
    for (let i = 1; i <= 5; i++) fake.sendText({ chat: group, from: alice, text: `early ${i}` });
    await start(bot, { limit: 2 });
    await fake.waitForHandled();
    expect(seen).toEqual(['early 1', 'early 2', 'early 3', 'early 4', 'early 5']);

    // Pushed while a poll is held open.
    await expect.poll(() => fake.polling).toBe(true);
    for (let i = 1; i <= 3; i++) fake.sendText({ chat: group, from: bob, text: `late ${i}` });
    await fake.waitForHandled();
    expect(seen.slice(5)).toEqual(['late 1', 'late 2', 'late 3']);

    // A second bot process (after the first stopped) only sees new updates.
    const first = bots.pop()!;
    await first.bot.stop();
    await first.running;
    const again: string[] = [];
    const bot2 = newBot(true);
    bot2.on('message:text', (ctx) => {
      again.push(ctx.message.text);
    });
    await start(bot2);
    fake.sendText({ chat: group, from: alice, text: 'after restart' });
    await fake.waitForHandled();
    expect(again).toEqual(['after restart']);
    expect(seen).toHaveLength(8);
  });

  it('answers edit, command, membership and unknown-method calls like Telegram', async () => {
    const bot = newBot(true);
    const api = bot.api;
    const msg = await api.sendMessage(group.id, '<b>3 apples</b> &amp; a pear', { parse_mode: 'HTML' }).catch((e: unknown) => e);
    // The group was never seen: register it first.
    expect(msg).toMatchObject({ error_code: 400 });
    fake.addChat(group);
    const sent = await api.sendMessage(group.id, '<b>3 apples</b> &amp; a pear', { parse_mode: 'HTML' });
    expect(sent.text).toBe('3 apples & a pear');

    await expect(api.editMessageText(group.id, sent.message_id, '3 apples & a pear')).rejects.toMatchObject({
      error_code: 400,
      description: expect.stringMatching(/^Bad Request: message is not modified/),
    });
    await expect(api.editMessageText(group.id, 999, 'x')).rejects.toMatchObject({ description: 'Bad Request: message to edit not found' });
    await expect(api.sendMessage(group.id, 'a < b', { parse_mode: 'HTML' })).rejects.toMatchObject({
      description: expect.stringMatching(/^Bad Request: can't parse entities/),
    });
    await expect(api.sendMessage(group.id, 'Price: 3.50', { parse_mode: 'MarkdownV2' })).rejects.toMatchObject({
      description: expect.stringMatching(/Character '\.' is reserved/),
    });
    await expect(
      api.sendMessage(group.id, 'x', { reply_markup: new InlineKeyboard().text('Too long', 'x'.repeat(65)) }),
    ).rejects.toMatchObject({ description: 'Bad Request: BUTTON_DATA_INVALID' });
    const withKeyboard = await api.editMessageReplyMarkup(group.id, sent.message_id, {
      reply_markup: new InlineKeyboard().text('Accept', 'a'),
    });
    expect(withKeyboard).toMatchObject({ text: '3 apples & a pear', reply_markup: { inline_keyboard: [[{ text: 'Accept', callback_data: 'a' }]] } });
    await api.deleteMessage(group.id, sent.message_id);
    expect(fake.messages(group.id)).toEqual([]);

    await api.setMyCommands([{ command: 'offer', description: 'Offer an item' }]);
    await api.setMyCommands([{ command: 'admin', description: 'Admin tools' }], { scope: { type: 'chat_administrators', chat_id: group.id } });
    expect(fake.commands()).toEqual([{ command: 'offer', description: 'Offer an item' }]);
    expect(fake.commands({ type: 'chat_administrators', chat_id: group.id })).toEqual([{ command: 'admin', description: 'Admin tools' }]);
    await expect(api.setMyCommands([{ command: 'Bad-Name', description: 'x' }])).rejects.toMatchObject({ error_code: 400 });
    await api.deleteMyCommands();
    expect(fake.commands()).toEqual([]);

    fake.setChatMemberStatus(group.id, alice.id, 'administrator');
    fake.setChatMemberStatus(group.id, bob.id, 'kicked');
    expect(await api.getChatMember(group.id, alice.id)).toMatchObject({ status: 'administrator', can_be_edited: false, user: { id: alice.id } });
    expect(await api.getChatMember(group.id, bob.id)).toMatchObject({ status: 'kicked', until_date: 0 });
    expect(await api.getChatMember(group.id, 3333)).toMatchObject({ status: 'member', user: { id: 3333, is_bot: false } });
    expect((await api.getChatAdministrators(group.id)).map((m) => m.user.id)).toEqual([alice.id]);
    expect(await api.getChat(group.id)).toMatchObject({ id: group.id, type: 'supergroup', title: 'Barter Hall' });

    await expect(api.raw.pinChatMessage({ chat_id: group.id, message_id: 1 })).rejects.toMatchObject({
      error_code: 404,
      description: 'Not Found: method not found',
    });
    expect(fake.sent('pinChatMessage')).toHaveLength(1);
    await expect(fake.waitFor(() => false, 50)).rejects.toThrow(/timed out after 50 ms[\s\S]*pinChatMessage/);
  });

  it('speaks plain HTTP: token check, form bodies, held and aborted polls', async () => {
    const wrong = await fetch(`${fake.apiRoot}/bot123:nope/getMe`, { method: 'POST' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toBe('application/json');
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });

    fake.addChat(group);
    const form = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: String(group.id), text: 'form', reply_markup: '{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}' }),
    });
    expect(await form.json()).toMatchObject({ ok: true, result: { text: 'form', chat: { id: group.id }, reply_markup: { inline_keyboard: [[{ text: 'A' }]] } } });

    const t0 = Date.now();
    const held = await fetch(`${fake.apiRoot}/bot${fake.token}/getUpdates?timeout=1`);
    expect(await held.json()).toEqual({ ok: true, result: [] });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);

    const abort = new AbortController();
    const aborted = fetch(`${fake.apiRoot}/bot${fake.token}/getUpdates?timeout=5`, { signal: abort.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.polling).toBe(true);
    abort.abort();
    expect(await aborted).toBeInstanceOf(Error);
    await expect.poll(() => fake.polling).toBe(false); // noticed through res.on('close')
    // The update is not lost to the aborted poll: the next poll gets it.
    const pushed = fake.pushUpdate({ message: { message_id: 1, date: 0, chat: { id: 5, type: 'private', first_name: 'E' }, from: { id: 5, is_bot: false, first_name: 'E' }, text: 'hi' } });
    const next = await fetch(`${fake.apiRoot}/bot${fake.token}/getUpdates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ offset: 0, timeout: 1 }),
    });
    expect(((await next.json()) as { result: Array<{ update_id: number }> }).result.map((u) => u.update_id)).toEqual([pushed.update_id]);
    expect(fake.pollCount).toBe(3);
  });
});
