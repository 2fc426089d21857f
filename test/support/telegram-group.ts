/**
 * A group chat played against the fake Bot API, for end-to-end tests of the real grammY bot:
 * members say things and press buttons, and the tests read what the bot sent as members see it.
 */
import type { Message, MessageEntity, Update } from 'grammy/types';
import { pino } from 'pino';
import { createTelegramDelivery } from '../../src/adapters/telegram/delivery.js';
import type { TradeCore } from '../../src/core/trade-core.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import type { FakeCall, FakeChat, FakeTelegram, FakeUser } from '../fakes/telegram-api.js';

/**
 * The fake has no flood limits: a throttler in the pipeline with generous ones, for the outbox's
 * delivery client (the bot itself has no throttler).
 */
export const LOOSE_THROTTLE = {
  global: { reservoir: 1000, reservoirRefreshAmount: 1000, reservoirRefreshInterval: 1000 },
  group: { maxConcurrent: 10 },
  out: { maxConcurrent: 10 },
};

/** A message's HTML as displayed. */
export const plain = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** The bot as these helpers need it: `createTelegramBot`'s `whenIdle`. */
export interface IdleBot {
  whenIdle(): Promise<void>;
}

/**
 * Waits until the bot has handled `update` (and everything else it had taken): the runner
 * confirms an update when it takes it, and the bot says when nothing is in hand any more.
 */
export async function handledBy(fake: FakeTelegram, bot: IdleBot, update?: Update, timeoutMs?: number): Promise<void> {
  await fake.waitForHandled(update, timeoutMs);
  await bot.whenIdle();
}

/** `fake` and `bot` are read at each call, so the helpers can be made before either is started. */
export function telegramGroup(fake: () => FakeTelegram, group: FakeChat, bot: () => IdleBot) {
  return {
    /** Sends a message and waits until the bot has handled it; returns what the bot sent meanwhile. */
    async say(from: FakeUser, text: string, options: { chat?: FakeChat; replyTo?: Message; entities?: MessageEntity[] } = {}) {
      const before = fake().calls.length;
      const update = fake().sendText({ chat: options.chat ?? group, from, text, ...(options.replyTo ? { replyTo: options.replyTo } : {}), ...(options.entities ? { entities: options.entities } : {}) });
      await handledBy(fake(), bot(), update);
      return { update, calls: fake().calls.slice(before) };
    },
    /** Presses a button and waits until the bot has handled it; returns the calls it made meanwhile. */
    async press(from: FakeUser, message: Message, data: string, stale = false) {
      const before = fake().calls.length;
      await handledBy(fake(), bot(), fake().pressButton({ message, from, data, stale }));
      return fake().calls.slice(before);
    },
    /** What members saw: the bot's messages to a chat, as displayed. */
    texts: (calls: FakeCall[], chatId = group.id) =>
      calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === chatId && !c.error).map((c) => plain(String(c.params.text))),
    /** The newest message in the group with buttons: the last offer card posted. */
    lastCard(): Message {
      const card = [...fake().messages(group.id)].reverse().find((m) => m.reply_markup);
      if (!card) throw new Error('no card in the group');
      return card;
    },
  };
}

/** A message's buttons as [label, payload] pairs, row after row. */
export const buttonsOf = (message: Message | undefined) =>
  message?.reply_markup?.inline_keyboard.flat().map((b) => [b.text, 'callback_data' in b ? b.callback_data : '']) ?? [];

/** The popup a press was answered with (empty when it answered in the chat instead). */
export const popup = (calls: FakeCall[]) => String(calls.find((c) => c.method === 'answerCallbackQuery')?.params.text ?? '');

/**
 * Runs the outbox delivery once, as the job does, through the real Telegram delivery; returns
 * each of `users`' new direct messages.
 */
export async function deliverDirectMessages(fake: FakeTelegram, core: TradeCore, users: readonly FakeUser[], botUsername = 'TradingPostBot'): Promise<(user: FakeUser) => Message[]> {
  const before = new Map(users.map((user) => [user.id, fake.messages(user.id).length]));
  const delivery = createTelegramDelivery({ token: fake.token, apiRoot: fake.apiRoot, botUsername, throttle: LOOSE_THROTTLE });
  await drainOutbox({ core, deliveries: [delivery], log: pino({ level: 'silent' }) });
  return (user) => fake.messages(user.id).slice(before.get(user.id) ?? 0);
}
