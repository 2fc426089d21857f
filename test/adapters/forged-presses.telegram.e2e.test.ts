// Button presses as an attacker sends them from a modified client: callback data of their own, on
// cards of one group naming another group's offers. The real grammY bot against the fake Bot API.
import type { Message } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { tradeState } from '../support/db-snapshot.js';
import { handledBy, telegramGroup } from '../support/telegram-group.js';

const quinces: FakeChat = { id: -1001111, type: 'supergroup', title: 'Quince swap' };
const rivets: FakeChat = { id: -1002222, type: 'supergroup', title: 'Rivet exchange' };
const admin: FakeUser = { id: 200, first_name: 'Ada', username: 'ada' };
const quinn: FakeUser = { id: 201, first_name: 'Quinn', username: 'quinn' }; // trades in the quince group
const rita: FakeUser = { id: 202, first_name: 'Rita', username: 'rita' }; // trades in the rivet group
const mallory: FakeUser = { id: 203, first_name: 'Mallory', username: 'mallory' }; // the quince group only, modified client
const bram: FakeUser = { id: 204, first_name: 'Bram', username: 'bram' }; // both groups, then leaves the rivet group

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;
const logged: Array<{ level: number; msg: string }> = [];

const inQuinces = telegramGroup(() => fake, quinces, () => telegram);
const inRivets = telegramGroup(() => fake, rivets, () => telegram);
const privateChat = (user: FakeUser): FakeChat => ({ id: user.id, type: 'private' });
const offerOf = (message: Message | undefined) => Number(/Offer #(\d+)/.exec(message?.text ?? '')?.[1]);

/** Presses `data` on `message` as a modified client would, and returns the bot's calls meanwhile. */
async function forge(from: FakeUser, message: Message, data: string, extra: { expired?: boolean } = {}) {
  const before = fake.calls.length;
  await handledBy(fake, telegram, fake.pressButton({ message, from, data, forged: true, ...extra }));
  return fake.calls.slice(before);
}

let quinceCard: Message; // group card of Quinn's offer
let riteCard: Message; // group card of Rita's offer
let quinceOffer: number;
let rivetOffer: number;

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore();
  telegram = createTelegramBot({
    token: fake.token,
    apiRoot: fake.apiRoot,
    core: store.core,
    log: pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line)) }),
    pollingTimeoutSeconds: 1,
  });
  for (const group of [quinces, rivets]) fake.setChatMemberStatus(group.id, admin.id, 'creator');
  fake.setChatMemberStatus(rivets.id, mallory.id, 'left');
  await telegram.start();
  for (const user of [admin, quinn, rita, mallory, bram]) await inQuinces.say(user, '/start', { chat: privateChat(user) });
  for (const user of [admin, quinn, mallory, bram]) await inQuinces.say(user, '/help');
  for (const user of [admin, rita, bram]) await inRivets.say(user, '/help');

  await inQuinces.say(admin, '/admin item-add quince');
  await inQuinces.say(admin, '/admin item-add pear');
  await inQuinces.say(admin, '/admin grant @quinn 10 quince');
  await inQuinces.say(admin, '/admin grant @mallory 10 pear');
  await inRivets.say(admin, '/admin item-add rivet');
  await inRivets.say(admin, '/admin item-add bolt');
  await inRivets.say(admin, '/admin grant @rita 10 rivet');
  await inRivets.say(admin, '/admin grant @bram 10 bolt');

  await inQuinces.say(quinn, '/post give 2 quince want 1 pear note quinces from the orchard');
  quinceCard = inQuinces.lastCard();
  quinceOffer = offerOf(quinceCard);
  await inRivets.say(rita, '/post give 3 rivet want 1 bolt note rivet secret: ask for Rita at the back door');
  riteCard = inRivets.lastCard();
  rivetOffer = offerOf(riteCard);
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

/** What the refused press did: the popup the presser saw, and whether any message changed. */
function refusedWith(calls: typeof fake.calls) {
  const answers = calls.filter((c) => c.method === 'answerCallbackQuery');
  expect(answers).toHaveLength(1);
  expect(calls.filter((c) => c.method.startsWith('edit') || c.method === 'sendMessage')).toEqual([]);
  expect(answers[0]?.params.show_alert).toBe(true);
  return String(answers[0]?.params.text);
}

describe('Telegram presses with forged callback data', () => {
  it('sets the scene: two groups, one offer each, on different offer numbers', () => {
    expect(quinceOffer).toBeGreaterThan(0);
    expect(rivetOffer).toBeGreaterThan(0);
    expect(rivetOffer).not.toBe(quinceOffer);
  });

  it.each([
    ['another group’s offer to accept', () => `accept ${rivetOffer}`, 'That button does not belong to this message'],
    ['another group’s offer to cancel', () => `cancel ${rivetOffer}`, 'That button does not belong to this message'],
    ['another group’s offer to open', () => `offer ${rivetOffer}`, 'That button does not belong to this message'],
    ['too many arguments', () => `accept ${quinceOffer} 2 3`, 'This button no longer works'],
    ['a number that is not one', () => `accept 0${quinceOffer}`, 'This button no longer works'],
    ['an over-long payload', () => `accept ${'9'.repeat(80)}`, 'This button no longer works'],
    ['a command that has no button', () => 'help', 'This button no longer works'],
    ['a button of another kind of record', () => `rate ${quinceOffer} 5`, 'That button does not belong to this message'],
    ['an admin command', () => 'admin ban @quinn', 'This button no longer works'],
    ['nothing at all', () => '', 'This button no longer works'],
  ])('refuses %s on a group card with a sentence, changing no message and nothing stored', async (_what, payload, sentence) => {
    const before = tradeState(store.db);
    const card = fake.message(quinces.id, quinceCard.message_id);
    const calls = await forge(mallory, quinceCard, payload());
    expect(refusedWith(calls)).toContain(sentence);
    expect(fake.message(quinces.id, quinceCard.message_id)).toEqual(card);
    expect(tradeState(store.db)).toEqual(before);
  });

  it('refuses, in a private chat, a forged press naming an offer of a group the presser is not in', async () => {
    await inQuinces.say(mallory, `/offer ${quinceOffer}`, { chat: privateChat(mallory) });
    const privateCard = [...fake.messages(mallory.id)].reverse().find((m) => m.reply_markup);
    if (!privateCard) throw new Error('no card in the private chat');
    const before = tradeState(store.db);
    const calls = await forge(mallory, privateCard, `accept ${rivetOffer}`);
    expect(refusedWith(calls)).toContain('That button does not belong to this message');
    expect(fake.message(mallory.id, privateCard.message_id)).toEqual(privateCard);
    expect(tradeState(store.db)).toEqual(before);
  });

  it('refuses a press in a private chat on a message the bot recorded no card for', async () => {
    const greeting = fake.messages(mallory.id).find((m) => !m.reply_markup);
    if (!greeting) throw new Error('no plain message in the private chat');
    const before = tradeState(store.db);
    const calls = await forge(mallory, greeting, `accept ${rivetOffer}`);
    expect(refusedWith(calls)).toContain('I cannot tell which group this button belongs to');
    expect(tradeState(store.db)).toEqual(before);
  });

  it('refuses a press on a private card of a group the presser has left', async () => {
    await inRivets.say(bram, `/offer ${rivetOffer}`, { chat: privateChat(bram) });
    const privateCard = [...fake.messages(bram.id)].reverse().find((m) => m.reply_markup);
    if (!privateCard) throw new Error('no card in the private chat');
    fake.setChatMemberStatus(rivets.id, bram.id, 'left');
    const before = tradeState(store.db);
    const calls = await forge(bram, privateCard, `accept ${rivetOffer}`);
    expect(refusedWith(calls)).toContain('You are not a member of the group this card belongs to');
    expect(tradeState(store.db)).toEqual(before);
    fake.setChatMemberStatus(rivets.id, bram.id, 'member');
  });

  it('does not open another group’s offer from a link forged for it', async () => {
    const { calls } = await inQuinces.say(mallory, `/start offer_${rivetOffer}`, { chat: privateChat(mallory) });
    const shown = inQuinces.texts(calls, mallory.id).join('\n');
    expect(shown).toContain('is not in a group you trade in');
    expect(shown).not.toContain('rivet secret');
  });

  it('answers a press replayed after a restart once, and runs nothing twice', async () => {
    const before = tradeState(store.db);
    // The press was handled before the crash: its update is claimed and its query answered.
    const update = fake.pressButton({ message: quinceCard, from: mallory, data: `accept ${quinceOffer}`, expired: true });
    store.core.claimUpdate('telegram', String(update.update_id));
    const since = logged.length;
    const callsBefore = fake.calls.length;
    await handledBy(fake, telegram, update);
    const calls = fake.calls.slice(callsBefore);
    expect(calls.filter((c) => c.method === 'answerCallbackQuery' && !c.error)).toEqual([]);
    expect(calls.filter((c) => c.method !== 'answerCallbackQuery' && c.method !== 'getUpdates')).toEqual([]);
    expect(tradeState(store.db)).toEqual(before);
    expect(logged.slice(since).filter((line) => line.level >= 50)).toEqual([]);
  });

  it('logs a press answered too late at debug, and says no "Something went wrong" for it', async () => {
    const since = logged.length;
    const callsBefore = fake.calls.length;
    await handledBy(fake, telegram, fake.pressButton({ message: quinceCard, from: mallory, data: `accept ${rivetOffer}`, forged: true, expired: true }));
    const answers = fake.calls.slice(callsBefore).filter((c) => c.method === 'answerCallbackQuery');
    expect(answers.map((c) => String(c.params.text))).not.toContainEqual(expect.stringContaining('Something went wrong'));
    expect(logged.slice(since).filter((line) => line.level >= 40)).toEqual([]);
    expect(logged.slice(since).some((line) => line.level === 20 && line.msg.includes('too late'))).toBe(true);
  });

  it('ignores an update without a sender cleanly', async () => {
    const since = logged.length;
    const callsBefore = fake.calls.length;
    const update = fake.pushUpdate({ message: { message_id: 7001, date: 0, chat: { id: quinces.id, type: 'supergroup', title: 'Quince swap' }, text: '/market', entities: [{ type: 'bot_command', offset: 0, length: 7 }] } } as never);
    await handledBy(fake, telegram, update);
    expect(fake.calls.slice(callsBefore).filter((c) => c.method !== 'getUpdates')).toEqual([]);
    expect(logged.slice(since).filter((line) => line.level >= 40)).toEqual([]);
    expect(inQuinces.texts((await inQuinces.say(quinn, '/market')).calls).join('\n')).toContain(`#${quinceOffer}`);
  });

  it('still takes real presses in both groups, each acting in its own', async () => {
    await inQuinces.say(admin, '/admin grant @bram 1 pear');
    const quincePress = await inQuinces.press(bram, quinceCard, `accept ${quinceOffer}`);
    expect(quincePress.find((c) => c.method === 'answerCallbackQuery')?.params.text).toMatch(/^Done! Trade #\d+ with Quinn/);
    const ritePress = await inRivets.press(bram, riteCard, `accept ${rivetOffer}`);
    expect(ritePress.find((c) => c.method === 'answerCallbackQuery')?.params.text).toMatch(/^Done! Trade #\d+ with Rita/);
  });

  it('never edited a message into a record other than the one it was sent for, nor into another group’s', () => {
    const edits = fake.calls.filter((c) => c.method === 'editMessageText' && !c.error);
    expect(edits.length).toBeGreaterThan(0);
    for (const edit of edits) {
      const chatId = Number(edit.params.chat_id);
      const shown = Number(/Offer #(\d+)/.exec(String(edit.params.text))?.[1]);
      const first = fake.calls.find((c) => c.method === 'sendMessage' && !c.error && Number(c.params.chat_id) === chatId && c.result?.message_id === edit.params.message_id);
      expect(shown).toBe(Number(/Offer #(\d+)/.exec(String(first?.params.text))?.[1]));
      const offer = store.core.findOffer(shown);
      if (chatId < 0) expect(offer?.marketId).toBe(store.core.findMarket('telegram', String(chatId))?.id);
      else expect(store.core.findMember(offer!.marketId, String(chatId))).toBeDefined();
      if (chatId === quinces.id) expect(String(edit.params.text)).not.toContain('rivet secret');
    }
  });
});
