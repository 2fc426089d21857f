// Issue 10 on Telegram: a directed offer countered with /counter and the counter accepted by the
// button on the owner's direct message, with every DM. The real grammY bot against the fake Bot
// API; DMs go out through the real outbox delivery.
import type { Message } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { createTelegramDelivery } from '../../src/adapters/telegram/delivery.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { tradeState } from '../support/db-snapshot.js';
import { LOOSE_THROTTLE, plain, telegramGroup } from '../support/telegram-group.js';

const fruit: FakeChat = { id: -1009001, type: 'supergroup', title: 'Fruit market' };
const admin: FakeUser = { id: 900, first_name: 'Ada', username: 'ada' };
const alice: FakeUser = { id: 901, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 902, first_name: 'Bobby', username: 'bobby' };

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;
const log = pino({ level: 'silent' });
const inFruit = telegramGroup(() => fake, fruit, () => telegram);
const dm = (user: FakeUser): FakeChat => ({ id: user.id, type: 'private' });
const offerOf = (text: string | undefined) => Number(/Offer #(\d+)/.exec(text ?? '')?.[1]);

/** Runs the outbox delivery once, as the job does; returns each member's new direct messages. */
async function deliver(): Promise<(user: FakeUser) => Message[]> {
  const before = new Map([alice, bobby].map((user) => [user.id, fake.messages(user.id).length]));
  await drainOutbox({ core: store.core, deliveries: [createTelegramDelivery({ token: fake.token, apiRoot: fake.apiRoot, botUsername: 'TradingPostBot', throttle: LOOSE_THROTTLE })], log });
  return (user) => fake.messages(user.id).slice(before.get(user.id) ?? 0);
}
const buttonsOf = (message: Message | undefined) => message?.reply_markup?.inline_keyboard.flat().map((b) => [b.text, 'callback_data' in b ? b.callback_data : '']) ?? [];
const popup = (calls: Awaited<ReturnType<typeof inFruit.press>>) => String(calls.find((c) => c.method === 'answerCallbackQuery')?.params.text ?? '');
const holdings = (user: FakeUser) => {
  const member = store.core.findMember(store.core.currentMarket('telegram', String(user.id))!.id, String(user.id))!;
  return Object.fromEntries(store.core.getInventory(member.id).holdings.map((h) => [h.item.slug, h.quantity]));
};

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore();
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log, pollingTimeoutSeconds: 1 });
  fake.setChatMemberStatus(fruit.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby]) {
    await inFruit.say(user, '/start', { chat: dm(user) });
    await inFruit.say(user, '/help');
  }
  await inFruit.say(admin, '/admin item-add apple');
  await inFruit.say(admin, '/admin item-add orange');
  await inFruit.say(admin, '/admin grant @alice 10 apple');
  await inFruit.say(admin, '/admin grant @bobby 10 orange');
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('counter-offers on Telegram', () => {
  let directed: number;
  let counter: number;

  it('counters a directed offer: a new card with its thread and Counter, the original closed', async () => {
    await inFruit.say(alice, '/post give 2 apple to @bobby want 1 orange');
    directed = offerOf(inFruit.lastCard().text);
    await deliver();

    await inFruit.say(bobby, `/counter ${directed} give 1 orange want 3 apple note my last word`);
    const card = inFruit.lastCard();
    counter = offerOf(card.text);
    expect(counter).toBeGreaterThan(directed);
    const shown = plain(card.text ?? '');
    expect(shown).toContain(`Counter #${counter} to offer #${directed} is made to Alice, who is told. Offer #${directed} is closed: your counter replaces it.`);
    expect(shown).toContain(`Counter to: #${directed}`);
    expect(shown).toContain('Note: my last word');
    expect(buttonsOf(card).map(([label]) => label)).toEqual(['Accept', 'Details', 'Decline', 'Counter', 'Cancel']);
    // The original's card in the group follows: countered, no buttons left.
    const original = fake.messages(fruit.id).find((m) => offerOf(m.text) === directed);
    expect(plain(original?.text ?? '')).toContain('Countered');
    expect(original?.reply_markup).toBeUndefined();
    expect(holdings(alice)).toEqual({ apple: 10 });
    expect(holdings(bobby)).toEqual({ orange: 9 });
  });

  it('tells Alice once, naming the market, with Accept, Decline and Counter', async () => {
    const [note, ...more] = (await deliver())(alice);
    expect(more).toEqual([]);
    expect(plain(note?.text ?? '')).toBe(
      `Fruit market\nBobby countered your offer #${directed} with #${counter}: Bobby gives 1 orange for 3 apple. Offer #${directed} is closed and 2 apple went back to your inventory.`,
    );
    expect(buttonsOf(note)).toEqual([['Accept', `accept ${counter}`], ['Decline', `decline ${counter}`], ['Counter', `counter ${counter}`]]);
  });

  it('answers Counter with the command to type, changing nothing', async () => {
    const note = fake.messages(alice.id).find((m) => m.text?.includes(`with #${counter}`))!;
    const before = tradeState(store.db);
    expect(popup(await inFruit.press(alice, note, `counter ${counter}`))).toBe(
      `To counter #${counter}, say what you give and want instead: /counter ${counter} give ITEMS want ITEMS [note TEXT]`,
    );
    expect(tradeState(store.db)).toEqual(before);
  });

  it('takes the counter when Alice presses Accept in the DM, and both get their trade DM', async () => {
    const note = fake.messages(alice.id).find((m) => m.text?.includes(`with #${counter}`))!;
    expect(popup(await inFruit.press(alice, note, `accept ${counter}`))).toMatch(new RegExp(`^Done! Trade #\\d+ with Bobby \\(offer #${counter}\\): you received 1 orange and gave 3 apple\\.$`));
    const trade = store.core.findOffer(counter)!.tradeId!;
    expect(holdings(alice)).toEqual({ apple: 7, orange: 1 });
    expect(holdings(bobby)).toEqual({ orange: 9, apple: 3 });

    const dms = await deliver();
    expect(dms(bobby).map((m) => plain(m.text ?? ''))).toEqual([`Fruit market\nAlice accepted your offer #${counter} (trade #${trade}): you received 3 apple for 1 orange. Rate Alice:`]);
    expect(dms(alice).map((m) => plain(m.text ?? ''))).toEqual([
      `Fruit market\nTrade #${trade} with Bobby (offer #${counter}) is done: you received 1 orange and gave 3 apple. Rate Bobby:`,
    ]);
    // The counter's card in the group follows too.
    const card = fake.messages(fruit.id).find((m) => offerOf(m.text) === counter);
    expect(plain(card?.text ?? '')).toContain('Accepted by Alice');
  });
});
