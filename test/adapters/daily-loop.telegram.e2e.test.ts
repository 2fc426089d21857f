// Issue 9, "Holes in the daily loop", on Telegram: the real grammY bot long polling a fake Bot API
// on 127.0.0.1, played by one group; direct messages go out through the real outbox delivery.
import type { Message } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { createTelegramDelivery } from '../../src/adapters/telegram/delivery.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { HOUR, testClock, unwrap } from '../support/market.js';
import { LOOSE_THROTTLE, telegramGroup } from '../support/telegram-group.js';

const group: FakeChat = { id: -1007001, type: 'supergroup', title: 'Daily market' };
const admin: FakeUser = { id: 700, first_name: 'Ada', username: 'ada_admin' };
const alice: FakeUser = { id: 701, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 702, first_name: 'Bobby', username: 'bobby' };
const carol: FakeUser = { id: 703, first_name: 'Carol', username: 'carol' };
const dave: FakeUser = { id: 704, first_name: 'Dave', username: 'dave_d' };

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;
const clock = testClock();
const log = pino({ level: 'silent' });

const { say, press, texts, lastCard } = telegramGroup(() => fake, group, () => telegram);
const privateChat = (user: FakeUser): FakeChat => ({ id: user.id, type: 'private' });
/** What the bot said in the group in answer to `text`. */
const inGroup = async (from: FakeUser, text: string) => texts((await say(from, text)).calls);
/** What the bot said in `from`'s private chat in answer to `text` (sent in the group). */
const inPrivate = async (from: FakeUser, text: string) => texts((await say(from, text)).calls, from.id).join('\n');
/** The offer number a card shows. */
const offerOf = (card: Message) => Number(/Offer #(\d+)/.exec(card.text ?? '')?.[1]);
const memberId = (user: FakeUser) => store.core.findMember(store.core.findMarket('telegram', String(group.id))!.id, String(user.id))!.id;
/** The newest trade `user` took part in. */
const newestTrade = (user: FakeUser) => store.core.listTrades(memberId(user)).entries[0]!;

/** Runs the outbox delivery once, as the job does; returns the direct messages each member got. */
async function deliver() {
  const before = fake.calls.length;
  const delivery = createTelegramDelivery({ token: fake.token, apiRoot: fake.apiRoot, botUsername: 'TradingPostBot', throttle: LOOSE_THROTTLE });
  await drainOutbox({ core: store.core, deliveries: [delivery], log });
  const calls = fake.calls.slice(before);
  return (user: FakeUser) => texts(calls, user.id);
}

/** Posts an offer in the group; returns its card. */
async function post(from: FakeUser, line: string) {
  const said = await inGroup(from, line);
  expect(said[0], said.join('\n')).toMatch(/^Offer #\d+/);
  return lastCard();
}

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore(clock);
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log, pollingTimeoutSeconds: 1 });
  fake.setChatMemberStatus(group.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby, carol, dave]) {
    await say(user, '/start', { chat: privateChat(user) });
    await say(user, '/help');
  }
  await say(admin, '/admin item-add apple emoji 🍎');
  await say(admin, '/admin item-add orange');
  await say(admin, '/admin item-add pear');
  await say(admin, '/admin grant @alice 30 apple');
  await say(admin, '/admin grant @bobby 20 orange');
  await say(admin, '/admin grant @carol 10 orange, 5 pear');
  await say(admin, '/admin grant @dave_d 10 orange');
  await deliver(); // nothing is waiting from the setup
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('hole 1: the trade number /rate needs is shown wherever the trade is', () => {
  it('names the trade in the accept answer, on the card, in both direct messages and in /myoffers', async () => {
    // A cancelled offer first, so offer and trade numbers differ.
    const first = await post(alice, '/post give 1 apple want 1 orange');
    await say(alice, `/cancel ${offerOf(first)}`);
    const card = await post(alice, '/post give 5 apple want 3 orange');
    const offer = offerOf(card);

    const answer = await inGroup(bobby, `/accept ${offer}`);
    const trade = newestTrade(bobby).id;
    expect(trade).not.toBe(offer);
    expect(answer).toEqual([`Done! Trade #${trade} with Alice (offer #${offer}): you received 5 🍎 apple and gave 3 orange.`]);
    expect(fake.message(group.id, card.message_id)?.text).toContain(`Trade: #${trade}`);

    const dms = await deliver();
    expect(dms(alice)).toEqual([`Daily market\nBobby accepted your offer #${offer} (trade #${trade}): you received 3 orange for 5 🍎 apple. Rate Bobby:`]);
    expect(dms(bobby)).toEqual([`Daily market\nTrade #${trade} with Alice (offer #${offer}) is done: you received 5 🍎 apple and gave 3 orange. Rate Alice:`]);
    expect(await inPrivate(alice, '/myoffers')).toContain(`#${offer} Traded (trade #${trade}): gives 5 🍎 apple, wants 3 orange`);
    // And the number works.
    expect(await inGroup(bobby, `/rate ${trade} 5`)).toEqual([`You gave Alice ★★★★★ for trade #${trade}. Thank you!`]);
  });

  it('names the trade when the offer is taken with the Accept button', async () => {
    const card = await post(alice, '/post give 2 apple want 1 orange');
    const calls = await press(dave, card, `accept ${offerOf(card)}`);
    const trade = newestTrade(dave).id;
    expect(calls.find((c) => c.method === 'answerCallbackQuery')?.params.text).toBe(
      `Done! Trade #${trade} with Alice (offer #${offerOf(card)}): you received 2 🍎 apple and gave 1 orange.`,
    );
    expect(fake.message(group.id, card.message_id)?.text).toContain(`Trade: #${trade}`);
    await deliver();
  });
});

describe('hole 3: /market marks offers made to one member', () => {
  it('says whom a directed offer is for, by name, since the list is public', async () => {
    const open = offerOf(await post(alice, '/post give 1 apple want 1 pear'));
    const directed = offerOf(await post(alice, '/post give 2 apple want 1 orange to @carol'));
    const seenByDave = (await inGroup(dave, '/market')).join('\n');
    expect(seenByDave).toContain(`#${directed} Alice (for Carol): gives 2 🍎 apple, wants 1 orange`);
    expect(seenByDave).toContain(`#${open} Alice: gives 1 🍎 apple, wants 1 pear`);
    expect((await inGroup(carol, '/market')).join('\n')).toContain(`#${directed} Alice (for Carol): gives 2 🍎 apple, wants 1 orange`);
    // Filtered by item, the same.
    expect((await inGroup(dave, '/market orange')).join('\n')).toContain(`#${directed} Alice (for Carol):`);
    await say(alice, `/cancel ${open}`);
    await say(alice, `/cancel ${directed}`);
  });
});

describe('hole 8 (reason): removing an offer needs a reason, as the core says', () => {
  it('needs a reason to remove an offer, and changes nothing without one', async () => {
    const offer = offerOf(await post(alice, '/post give 1 apple want 1 orange'));
    expect(await inGroup(admin, `/admin remove-offer ${offer}`)).toEqual(['Missing "reason". Usage: /admin remove-offer OFFER REASON']);
    expect(store.core.findOffer(offer)?.status).toBe('active');
    expect(await inGroup(admin, `/admin remove-offer ${offer} duplicate`)).toEqual([`Offer #${offer} is removed and Alice has their items back.`]);
    await deliver();
  });
});

describe('hole 8 (numbers): offer and trade numbers start at 1, and the answer says so', () => {
  it.each([
    ['/offer 0', 'Offer numbers start at 1; see the open offers and their numbers with /market.'],
    ['/accept #0', 'Offer numbers start at 1; see the open offers and their numbers with /market.'],
    ['/cancel -3', 'Offer numbers start at 1; see the open offers and their numbers with /market.'],
    ['/decline 0', 'Offer numbers start at 1; see the open offers and their numbers with /market.'],
    ['/rate 0 5', 'Trade numbers start at 1; see your trades and their numbers with /trades.'],
    ['/offer twelve', '"offer" must be an offer number, like 12.'],
    ['/rate first 5', '"trade" must be a trade number, like 7.'],
  ])('answers %s with what is wrong', async (line, sentence) => {
    const before = store.core.audit().totals;
    expect(await inGroup(dave, line)).toEqual([sentence]);
    expect(store.core.audit().totals).toEqual(before);
  });
});

describe('hole 8 (inventory): /inventory reads well when everything is in escrow', () => {
  it('tells a member whose items all sit in open offers that nothing else is held, not that they have none', async () => {
    const offer = offerOf(await post(carol, '/post give 10 orange, 5 pear want 1 apple'));
    const inventory = await inPrivate(carol, '/inventory');
    expect(inventory).toContain('You hold: nothing outside your open offers');
    expect(inventory).toContain(`#${offer}: 10 orange, 5 pear`);
    expect(inventory).not.toContain('no items yet');
    await say(carol, `/cancel ${offer}`);
  });

  it('still tells a newcomer with nothing at all that an admin can grant items', async () => {
    const erin: FakeUser = { id: 705, first_name: 'Erin' };
    await say(erin, '/start', { chat: privateChat(erin) });
    const inventory = await inPrivate(erin, '/inventory');
    expect(inventory).toContain('You hold no items yet. An admin can grant some.');
    expect(inventory).not.toContain('You hold: You hold');
  });
});

describe('hole 9: the owner is not told about their own cancel', () => {
  it('sends no direct message for a cancel, but still does for a removal and an expiry', async () => {
    const cancelled = offerOf(await post(alice, '/post give 1 apple want 1 orange'));
    expect(await inGroup(alice, `/cancel ${cancelled}`)).toEqual([`Offer #${cancelled} is cancelled; 1 🍎 apple went back to your inventory.`]);
    const removed = offerOf(await post(alice, '/post give 2 apple want 1 orange'));
    await say(admin, `/admin remove-offer ${removed} wrong group`);
    const expired = offerOf(await post(alice, '/post give 3 apple want 1 orange hours 1'));
    clock.advance(2 * HOUR);
    store.core.expireDueOffers();

    const dms = await deliver();
    expect(dms(alice)).toEqual([
      `Daily market\nAn admin removed your offer #${removed} (wrong group). 2 🍎 apple went back to your inventory.`,
      `Daily market\nYour offer #${expired} expired. 3 🍎 apple went back to your inventory.`,
    ]);
  });
});

describe('hole 10: archived items leave the catalog but not the history', () => {
  let before: number;
  let trade: number;

  it('refuses to archive an item still in play, saying who has it; once cleared, archives it and refuses it in new offers and grants', async () => {
    // An open offer and a finished trade mention pear before it is archived.
    before = offerOf(await post(alice, '/post give 1 apple want 1 pear'));
    const traded = offerOf(await post(alice, '/post give 2 apple want 2 pear'));
    await say(carol, `/accept ${traded}`);
    trade = newestTrade(carol).id;

    const [refused] = await inGroup(admin, '/admin item-archive pear');
    expect(refused).toMatch(new RegExp(`^"pear" cannot be archived while \\d+ members? holds? it \\((Alice|Carol)(, (Alice|Carol))*\\) and \\d+ open offers? names? it \\(.*#${before}.*\\): revoke it with /admin revoke and remove those offers with /admin remove-offer, then archive it again\\.$`));
    // The admin does what it says: removes the offers naming pear, takes pear back from whoever holds it.
    const marketId = store.core.findMarket('telegram', String(group.id))!.id;
    for (const offer of unwrap(store.core.listMarketOffers(marketId, { item: 'pear', size: 25 })).entries) {
      expect(await inGroup(admin, `/admin remove-offer ${offer.id} pear leaves the catalog`)).toEqual([expect.stringMatching(new RegExp(`^Offer #${offer.id} is removed`))]);
    }
    for (const user of [alice, bobby, carol, dave]) {
      const pears = store.core.getInventory(memberId(user)).holdings.find((holding) => holding.item.slug === 'pear')?.quantity;
      if (pears) expect(await inGroup(admin, `/admin revoke @${user.username} ${pears} pear`)).toEqual([`Took ${pears} pear from ${user.first_name}.`]);
    }

    expect(await inGroup(admin, '/admin item-archive pear')).toEqual([
      '"pear" is archived: it can no longer be offered, wanted or granted. Past trades keep it; /admin item-unarchive pear brings it back.',
    ]);
    expect(await inGroup(alice, '/post give 1 apple want 1 pear')).toEqual([
      'pear is archived: it can no longer be offered or asked for. Pick another item from the catalog (see /catalog).',
    ]);
    expect(await inGroup(carol, '/post give 1 pear want 1 apple')).toEqual([
      'pear is archived: it can no longer be offered or asked for. Pick another item from the catalog (see /catalog).',
    ]);
    expect(await inGroup(admin, '/admin grant @dave_d 1 pear')).toEqual([
      'pear is archived, so it cannot be granted; bring it back first with /admin item-unarchive pear.',
    ]);
    expect(await inGroup(admin, '/admin item-archive pear')).toEqual(['"pear" is already archived.']);
    expect(await inGroup(admin, '/admin item-archive banana')).toEqual(['There is no item "banana" in the catalog. See the catalog with /catalog.']);
    expect(store.core.audit().ok).toBe(true);
  });

  it('hides it from /catalog', async () => {
    expect(await inGroup(alice, '/catalog')).toEqual(['Catalog\n🍎 apple\norange']);
  });

  it('keeps the history readable: the trade that moved pear still shows it', async () => {
    expect(await inPrivate(carol, '/trades')).toContain(`Trade #${trade}`);
    expect(await inPrivate(carol, `/trade ${trade}`)).toContain('2 pear');
    expect((await inGroup(admin, '/admin log')).join('\n')).toContain('Ada archived "pear"');
    expect(store.core.audit().ok).toBe(true);
  });

  it('brings it back with /admin item-unarchive', async () => {
    expect(await inGroup(admin, '/admin item-unarchive pear')).toEqual(['"pear" is back in the catalog: members can offer, want and be granted it again.']);
    expect(await inGroup(admin, '/admin item-unarchive pear')).toEqual(['"pear" is not archived, so there is nothing to bring back.']);
    expect(await inGroup(admin, '/admin grant @alice 1 pear')).toEqual(['Granted 1 pear to Alice.']);
    expect((await inGroup(alice, '/post give 1 pear want 1 orange'))[0]).toMatch(/^Offer #\d+/);
  });
});
