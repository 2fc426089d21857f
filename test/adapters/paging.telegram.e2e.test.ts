// Issue 9, hole 7, on Telegram: long lists are paged with inline buttons. The real grammY bot long
// polling a fake Bot API on 127.0.0.1: a press on Next edits the list message in place, in the
// group and in a private chat, and every entry is reachable; a page payload forged onto another
// message changes nothing.
import type { Message } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import type { MemberRef } from '../../src/core/types.js';
import { startFakeTelegram, type FakeCall, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { tradeState } from '../support/db-snapshot.js';
import { items, unwrap } from '../support/market.js';
import { handledBy, telegramGroup } from '../support/telegram-group.js';

const group: FakeChat = { id: -1009001, type: 'supergroup', title: 'Big market' };
const admin: FakeUser = { id: 900, first_name: 'Ada', username: 'ada_admin' };
const alice: FakeUser = { id: 901, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 902, first_name: 'Bobby', username: 'bobby' };

const NEXT = 'Next ▶';
const PREVIOUS = '◀ Previous';

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;

const { say, texts, lastCard } = telegramGroup(() => fake, group, () => telegram);
const privateChat = (user: FakeUser): FakeChat => ({ id: user.id, type: 'private' });
const marketId = () => store.core.findMarket('telegram', String(group.id))!.id;
const member = (user: FakeUser): MemberRef => store.core.findMember(marketId(), String(user.id))!;

/** The newest message of the bot in a chat that carries buttons. */
function lastWithButtons(chatId: number): Message {
  const found = [...fake.messages(chatId)].reverse().find((m) => m.reply_markup);
  if (!found) throw new Error(`no message with buttons in chat ${chatId}`);
  return found;
}
/** The callback data of the button labelled `label` on the message as it is now, if it has one. */
function buttonData(chatId: number, messageId: number, label: string): string | undefined {
  const button = fake.message(chatId, messageId)?.reply_markup?.inline_keyboard.flat().find((b) => b.text === label);
  return button && 'callback_data' in button ? button.callback_data : undefined;
}
/** Presses a button of the message as it is now; returns the bot's calls meanwhile. */
async function press(from: FakeUser, chatId: number, messageId: number, data: string, forged = false): Promise<FakeCall[]> {
  const before = fake.calls.length;
  await handledBy(fake, telegram, fake.pressButton({ message: fake.message(chatId, messageId)!, from, data, forged }));
  return fake.calls.slice(before);
}
/** The lines a list message shows, without the market's name (private answers name it) or the title. */
const withoutMarket = (text: string | undefined) => {
  const lines = (text ?? '').split('\n');
  return lines[0] === group.title ? lines.slice(1) : lines;
};
const shownLines = (chatId: number, messageId: number) => withoutMarket(fake.message(chatId, messageId)?.text).slice(1);

/**
 * Presses Next on the list message until it has none; returns every page's lines. Each press must
 * edit that one message and send nothing new.
 */
async function pageThrough(from: FakeUser, chatId: number, list: Message): Promise<string[][]> {
  const pages = [shownLines(chatId, list.message_id)];
  for (let data = buttonData(chatId, list.message_id, NEXT); data; data = buttonData(chatId, list.message_id, NEXT)) {
    const calls = await press(from, chatId, list.message_id, data);
    expect(calls.filter((c) => c.method === 'sendMessage')).toEqual([]);
    expect(calls.filter((c) => c.method === 'editMessageText').map((c) => [Number(c.params.chat_id), Number(c.params.message_id)])).toEqual([[chatId, list.message_id]]);
    const answer = calls.find((c) => c.method === 'answerCallbackQuery');
    expect(answer?.params.text).toBeUndefined();
    pages.push(shownLines(chatId, list.message_id));
    if (pages.length > 50) throw new Error('paging never ends');
  }
  return pages;
}
const offerNumbers = (lines: string[]) => lines.map((line) => Number(/^#(\d+)/.exec(line)?.[1]));

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore();
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log: pino({ level: 'silent' }), pollingTimeoutSeconds: 1 });
  fake.setChatMemberStatus(group.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby]) {
    await say(user, '/start', { chat: privateChat(user) });
    await say(user, '/help');
  }
  await say(admin, '/admin item-add apple emoji 🍎');
  await say(admin, '/admin item-add orange');
  // A catalog longer than a page, with names as long as names get.
  for (let i = 0; i < 30; i += 1) unwrap(store.core.addItem(marketId(), null, { name: `${'Marmalade jar number '.padEnd(45, 'x')} n${String(i).padStart(2, '0')}` }));
  await say(admin, '/admin grant @alice 500 apple');
  await say(admin, '/admin grant @bobby 500 orange');
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('Telegram lists paged with buttons', () => {
  it('pages a long /catalog in the group by editing its message, every item once', async () => {
    const { calls } = await say(bobby, '/catalog');
    expect(texts(calls)).toHaveLength(1);
    const list = lastCard();
    expect(list.text?.split('\n')[0]).toBe('Catalog');
    expect(list.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual([NEXT]);
    const pages = await pageThrough(bobby, group.id, list);
    const all = pages.flat();
    expect(all).toHaveLength(32);
    expect(new Set(all).size).toBe(32);
    expect(all.slice(0, 2)).toEqual(['🍎 apple', expect.stringMatching(/^Marmalade jar number x+ n00$/)]);
    expect(all.at(-1)).toBe('orange');
    // The last page goes back.
    const back = buttonData(group.id, list.message_id, PREVIOUS)!;
    await press(alice, group.id, list.message_id, back);
    expect(shownLines(group.id, list.message_id)).toEqual(pages.at(-2));
  });

  it('pages a filtered /catalog with its words kept', async () => {
    await say(bobby, '/catalog Jar X!');
    const list = lastCard();
    expect(list.text?.split('\n')[0]).toBe('Catalog: "jar x"');
    const pages = await pageThrough(bobby, group.id, list);
    expect(pages.map((page) => page.length)).toEqual([10, 10, 10]);
    expect(pages.flat()).toEqual(Array.from({ length: 30 }, (_, i) => expect.stringMatching(new RegExp(`n${String(i).padStart(2, '0')}$`))));
  });

  it('pages /market, and /market with an item, in the group', async () => {
    const posted = Array.from({ length: 23 }, (_, i) =>
      unwrap(store.core.postOffer({ marketId: marketId(), ownerId: member(i % 2 ? alice : bobby).id, give: items(i % 2 ? ['apple', 1] : ['orange', 1]), want: items(i % 2 ? ['orange', 1] : ['apple', 1]) })).id,
    );
    await say(bobby, '/market');
    const list = lastCard();
    expect(list.text?.split('\n')[0]).toBe('Open offers');
    expect(offerNumbers((await pageThrough(bobby, group.id, list)).flat())).toEqual([...posted].reverse());

    await say(alice, '/market orange');
    const filtered = lastCard();
    expect(filtered.text?.split('\n')[0]).toBe('Offers with orange');
    expect(offerNumbers((await pageThrough(alice, group.id, filtered)).flat())).toEqual([...posted].reverse());
  });

  it('pages /myoffers and /trades in the private chat, asked in the group or there', async () => {
    await say(alice, '/myoffers');
    const mine = lastWithButtons(alice.id);
    const own = offerNumbers((await pageThrough(alice, alice.id, mine)).flat());
    expect(own).toEqual(store.core.listMyOffers(member(alice).id, { size: 25 }).entries.map((offer) => offer.id));
    expect(own).toHaveLength(11);

    for (const offer of store.core.listMyOffers(member(bobby).id, { size: 25 }).entries) {
      await say(alice, `/accept ${offer.id}`);
    }
    await say(alice, '/trades', { chat: privateChat(alice) });
    const trades = lastWithButtons(alice.id);
    expect(trades.text?.split('\n')[0]).toBe(group.title);
    expect(withoutMarket(trades.text)[0]).toBe('Your trades');
    const lines = (await pageThrough(alice, alice.id, trades)).flat();
    expect(lines).toHaveLength(12);
    expect(new Set(lines.map((line) => /^Trade #(\d+)/.exec(line)?.[1])).size).toBe(12);
  });

  it('refuses a page payload forged onto an offer card, or onto another list, changing nothing', async () => {
    await say(alice, '/post give 1 apple want 1 orange');
    const card = lastCard();
    await say(bobby, '/market');
    const list = lastCard();
    for (const [message, data] of [
      [card, 'market page after-5'],
      [card, 'catalog page after-5'],
      [list, 'myoffers page after-5'],
      [list, 'trades'],
      [list, 'market page 2'],
    ] as const) {
      const before = { state: tradeState(store.db), shown: fake.message(group.id, message.message_id) };
      const calls = await press(bobby, group.id, message.message_id, data, true);
      expect(calls.filter((c) => c.method.startsWith('edit') || c.method === 'sendMessage')).toEqual([]);
      const answer = calls.find((c) => c.method === 'answerCallbackQuery');
      expect(answer?.params).toMatchObject({ show_alert: true });
      expect(String(answer?.params.text)).toMatch(/That button does not belong to this message|This button no longer works/);
      expect(fake.message(group.id, message.message_id)).toEqual(before.shown);
      expect(tradeState(store.db)).toEqual(before.state);
    }
  });
});
