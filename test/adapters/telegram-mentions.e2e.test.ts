// Naming members on Telegram, end to end: the real grammY bot, long polling against the fake Bot
// API, played by a group. Text mentions keep their words wherever they are not a member, and a
// directed offer names its member by reply (`to` alone), by text mention or by @username.
import type { Message, MessageEntity } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesFor } from '../../commands/messages/index.js';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { createTelegramDelivery } from '../../src/adapters/telegram/delivery.js';
import { deliverOutbox } from '../../src/jobs/delivery.js';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { telegramGroup } from '../support/telegram-group.js';

const en = messagesFor('en');
const group: FakeChat = { id: -1004321, type: 'supergroup', title: 'Fruit market' };
const admin: FakeUser = { id: 200, first_name: 'Ada', username: 'ada_admin' };
const alice: FakeUser = { id: 201, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 202, first_name: 'Bobby', username: 'bobby' };
const carol: FakeUser = { id: 203, first_name: 'Carol' }; // no @username: named by reply or text mention
const dave: FakeUser = { id: 204, first_name: 'Dave', username: 'dave_d' };

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;

const group_ = telegramGroup(() => fake, group, () => telegram);
const { say, texts, lastCard } = group_;
/** Presses a button; returns the answer to the press. */
const press = async (from: FakeUser, message: Message, data: string) =>
  (await group_.press(from, message, data)).find((c) => c.method === 'answerCallbackQuery')?.params as { text?: string; show_alert?: boolean } | undefined;
const offerNumber = (card: Message) => Number(/Offer #(\d+)/.exec(card.text ?? '')?.[1]);
const current = (card: Message) => fake.message(group.id, card.message_id)?.text ?? '';

/**
 * The entities Telegram sends with `text`: the command, and a text mention (a name linked to an
 * account) over each of `linked`'s words.
 */
function withTextMentions(text: string, linked: Array<[words: string, user: FakeUser]>): MessageEntity[] {
  const command = /^\/\S+/.exec(text)?.[0] ?? '';
  return [
    { type: 'bot_command', offset: 0, length: command.length },
    ...linked.map(([words, user]): MessageEntity => {
      const offset = text.indexOf(words, command.length);
      if (offset < 0) throw new Error(`"${words}" is not in "${text}"`);
      return { type: 'text_mention', offset, length: words.length, user: { id: user.id, is_bot: false, first_name: user.first_name } };
    }),
  ];
}

/** The group's member for a Telegram user, as the core has them. */
function memberOf(user: FakeUser) {
  const market = store.core.findMarket('telegram', String(group.id));
  const member = market && store.core.findMember(market.id, String(user.id));
  if (!member) throw new Error(`${user.first_name} is not a member`);
  return member;
}
/** The open offers a member owns. */
const offersOf = (user: FakeUser) => store.core.listMyOffers(memberOf(user).id, { status: 'active' }).entries;

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore();
  telegram = createTelegramBot({
    token: fake.token,
    apiRoot: fake.apiRoot,
    core: store.core,
    log: pino({ level: 'silent' }),
    pollingTimeoutSeconds: 1,
  });
  fake.setChatMemberStatus(group.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby, carol, dave]) {
    await say(user, '/start', { chat: { id: user.id, type: 'private' } });
    await say(user, '/help');
  }
  await say(admin, '/admin item-add apple');
  await say(admin, '/admin item-add orange');
  await say(admin, '/admin grant @alice 20 apple');
  await say(admin, '/admin grant @bobby 5 orange');
  await say(admin, '/admin grant @dave_d 5 orange');
  const carolSaid = (await say(carol, 'hi all')).update.message;
  await say(admin, '/admin grant 5 orange', { replyTo: carolSaid });
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('text mentions outside member options', () => {
  it('shows a note with the words the mentions showed, not placeholders', async () => {
    const line = '/post give 1 apple want 1 orange note for my neighbour and Dave only';
    const entities = withTextMentions(line, [['my neighbour', carol], ['Dave', dave]]);
    await say(alice, line, { entities });
    const card = lastCard();
    expect(card.text).toContain('Note: for my neighbour and Dave only');
    expect(card.text).not.toContain('@@');
    // A note is not a target: the offer stays open to everyone.
    expect(card.text).not.toContain(`${en.offer.forMember}:`);
  });

  it('puts the words back in a rating comment, which the other side reads in their DM', async () => {
    const card = lastCard();
    await press(bobby, card, `accept ${offerNumber(card)}`);
    expect(current(card)).toContain('Accepted by Bobby');
    const trade = store.core.listTrades(memberOf(bobby).id).entries[0];
    const line = `/rate ${trade?.id} 5 thanks Alice, lovely apple`;
    const rated = await say(bobby, line, { entities: withTextMentions(line, [['Alice', alice]]) });
    expect(texts(rated.calls)).toHaveLength(1);

    const delivery = createTelegramDelivery({ token: fake.token, apiRoot: fake.apiRoot, botUsername: 'TradingPostBot', throttle: { out: { maxConcurrent: 10 }, group: { maxConcurrent: 10 } } });
    const before = fake.calls.length;
    await deliverOutbox({ core: store.core, deliveries: [delivery], log: pino({ level: 'silent' }) });
    const toAlice = texts(fake.calls.slice(before), alice.id).filter((text) => text.includes(`#${trade?.id}`) && text.includes('★'));
    expect(toAlice).toHaveLength(1);
    expect(toAlice[0]).toContain('thanks Alice, lovely apple');
    expect(toAlice[0]).not.toContain('@@');
  });

  it('puts the words back in an admin’s reason, shown on the removed offer', async () => {
    await say(alice, '/post give 1 apple want 1 orange');
    const offerId = offerNumber(lastCard());
    const line = `/admin remove-offer ${offerId} duplicate of the one for Carol`;
    await say(admin, line, { entities: withTextMentions(line, [['Carol', carol]]) });
    const shown = texts((await say(dave, `/offer ${offerId}`)).calls).join('\n');
    expect(shown).toContain('Removed: duplicate of the one for Carol');
    expect(shown).not.toContain('@@');
  });

  it('puts the words back in item names', async () => {
    const line = "/admin item-add Carol's cake";
    const added = await say(admin, line, { entities: withTextMentions(line, [['Carol', carol]]) });
    expect(texts(added.calls).join('\n')).toContain('"Carol\'s cake"');
    expect(store.core.listItems(store.core.findMarket('telegram', String(group.id))!.id).map((item) => item.name)).toContain("Carol's cake");
    // Unknown in a filter, the name the member wrote is the one they are told about.
    const filter = '/market Dave';
    const refused = texts((await say(alice, filter, { entities: withTextMentions(filter, [['Dave', dave]]) })).calls).join('\n');
    expect(refused).toContain('"Dave"');
    expect(refused).not.toContain('@@');
  });
});

describe('directed offers', () => {
  it('directs an offer at the member replied to when `to` stands alone; only they can accept it', async () => {
    const asked = (await say(carol, 'anyone got an apple for an orange?')).update.message;
    await say(alice, '/post give 1 apple want 1 orange to', { replyTo: asked });
    const card = lastCard();
    const offerId = offerNumber(card);
    expect(card.text).toContain(`${en.offer.forMember}: Carol`);
    expect(card.reply_markup?.inline_keyboard.flat().map((button) => button.text)).toContain(en.offer.buttons.decline);

    const refused = await press(dave, card, `accept ${offerId}`);
    expect(refused).toMatchObject({ text: en.error({ code: 'not_open_to_you', offerId }), show_alert: true });
    expect(current(card)).not.toContain('Accepted by');
    expect(offersOf(alice).map((offer) => offer.id)).toContain(offerId);

    await press(carol, card, `accept ${offerId}`);
    expect(current(card)).toContain('Accepted by Carol');
    expect(offersOf(alice).map((offer) => offer.id)).not.toContain(offerId);
  });

  it('leaves an offer posted as a reply without `to` open to everyone', async () => {
    const chatter = (await say(carol, 'nice weather for trading')).update.message;
    await say(alice, '/post give 1 apple want 1 orange', { replyTo: chatter });
    const card = lastCard();
    expect(card.text).not.toContain(`${en.offer.forMember}:`);
    await press(dave, card, `accept ${offerNumber(card)}`);
    expect(current(card)).toContain('Accepted by Dave');
  });

  it('refuses a bare `to` that replies to no one, posting nothing', async () => {
    const before = offersOf(alice).length;
    const { calls } = await say(alice, '/post give 1 apple want 1 orange to note quick one');
    expect(texts(calls)).toEqual([en.argument('to', { problem: 'not_a_member' })]);
    expect(offersOf(alice)).toHaveLength(before);
  });

  it('directs an offer by @username', async () => {
    await say(alice, '/post give 1 apple want 1 orange to @bobby note for you');
    const card = lastCard();
    expect(card.text).toContain(`${en.offer.forMember}: Bobby`);
    expect(card.text).toContain('Note: for you');
    const refused = await press(dave, card, `accept ${offerNumber(card)}`);
    expect(refused).toMatchObject({ text: en.error({ code: 'not_open_to_you', offerId: offerNumber(card) }), show_alert: true });
    await press(bobby, card, `accept ${offerNumber(card)}`);
    expect(current(card)).toContain('Accepted by Bobby');
  });

  it('directs an offer by text mention, for a member without a @username', async () => {
    const line = '/post give 1 apple want 1 orange to Carol from the bakery note as promised';
    await say(alice, line, { entities: withTextMentions(line, [['Carol from the bakery', carol]]) });
    const card = lastCard();
    expect(card.text).toContain(`${en.offer.forMember}: Carol`);
    expect(card.text).toContain('Note: as promised');
    const refused = await press(bobby, card, `accept ${offerNumber(card)}`);
    expect(refused).toMatchObject({ text: en.error({ code: 'not_open_to_you', offerId: offerNumber(card) }), show_alert: true });
    await press(carol, card, `accept ${offerNumber(card)}`);
    expect(current(card)).toContain('Accepted by Carol');
  });

  it('refuses an @username it has never seen with a sentence, posting nothing', async () => {
    const before = offersOf(alice).length;
    const { calls } = await say(alice, '/post give 1 apple want 1 orange to @nobody_here');
    expect(texts(calls)).toEqual([en.unknownMember('nobody_here')]);
    expect(offersOf(alice)).toHaveLength(before);
  });

  it('ignores /post@OtherBot: that command is for another bot', async () => {
    const before = offersOf(alice).length;
    const { calls } = await say(alice, '/post@OtherBot give 1 apple want 1 orange to @bobby');
    expect(calls.filter((call) => call.method === 'sendMessage')).toEqual([]);
    expect(offersOf(alice)).toHaveLength(before);
    // Addressed to this bot, the same line works.
    await say(alice, '/post@TradingPostBot give 1 apple want 1 orange to @bobby');
    expect(offersOf(alice)).toHaveLength(before + 1);
  });
});

describe('/help in a private chat', () => {
  it('still answers when Telegram cannot say whether the member is an admin of the group', async () => {
    fake.failNext('getChatMember', 1, { error_code: 400, description: 'Bad Request: chat not found' });
    const { calls } = await say(alice, '/help', { chat: { id: alice.id, type: 'private' } });
    const answer = texts(calls, alice.id).join('\n');
    expect(answer).toContain('/post give ITEMS want ITEMS');
    expect(answer).toContain('/markets');
    expect(answer).not.toContain(en.internalError);
    expect(answer).not.toContain(en.help.adminTitle);
  });
});
