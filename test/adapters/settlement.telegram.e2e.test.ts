// Issue 10 on Telegram: confirm settlement end to end. An admin switches the market to `confirm`
// with /admin config; a taker presses Accept on a card, the owner accepts them and confirms the
// handover from the buttons on their direct messages, the taker confirms receipt from theirs;
// every DM's words and buttons, the group card and the inventories at each step. Then a withdrawal
// and a rejection, each refunding the taker and opening the offer again, and bad input refused in
// one sentence. The real grammY bot against the fake Bot API; DMs go out through the real outbox delivery.
import type { Message } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { startFakeTelegram, type FakeCall, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { tradeState } from '../support/db-snapshot.js';
import { checkInvariants } from '../support/invariants.js';
import { testClock } from '../support/market.js';
import { buttonsOf, deliverDirectMessages, plain, popup, telegramGroup } from '../support/telegram-group.js';

const fruit: FakeChat = { id: -1009101, type: 'supergroup', title: 'Fruit market' };
const admin: FakeUser = { id: 910, first_name: 'Ada', username: 'ada' };
const alice: FakeUser = { id: 911, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 912, first_name: 'Bobby', username: 'bobby' };
const carol: FakeUser = { id: 913, first_name: 'Carol', username: 'carol' };

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;
// 2026-11-21 12:00 UTC: the deadlines in the DMs are read from it.
const clock = testClock();
const log = pino({ level: 'silent' });
const inFruit = telegramGroup(() => fake, fruit, () => telegram);
const dm = (user: FakeUser): FakeChat => ({ id: user.id, type: 'private' });
const offerOf = (text: string | undefined) => Number(/Offer #(\d+)/.exec(text ?? '')?.[1]);

const deliver = () => deliverDirectMessages(fake, store.core, [alice, bobby, carol]);
const shown = (messages: Message[]) => messages.map((m) => plain(m.text ?? ''));
/** Everything the bot wrote for a command, wherever it went (the group, or the member's private chat). */
const answers = (calls: FakeCall[]) => calls.filter((c) => c.method === 'sendMessage' && !c.error).map((c) => plain(String(c.params.text)));
const holdings = (user: FakeUser) => {
  const member = store.core.findMember(store.core.findMarket('telegram', String(fruit.id))!.id, String(user.id))!;
  return Object.fromEntries(store.core.getInventory(member.id).holdings.map((h) => [h.item.slug, h.quantity]));
};
const card = (offerId: number) => fake.messages(fruit.id).find((m) => offerOf(m.text) === offerId);
const marketId = () => store.core.findMarket('telegram', String(fruit.id))!.id;

/** A command that must change nothing: its one answer, with the database compared before and after. */
async function refusedOnly(from: FakeUser, text: string, chat?: FakeChat): Promise<string[]> {
  const before = tradeState(store.db);
  const settings = store.core.listMarketSettings(marketId());
  const { calls } = await inFruit.say(from, text, chat ? { chat } : {});
  expect(tradeState(store.db)).toEqual(before);
  expect(store.core.listMarketSettings(marketId())).toEqual(settings);
  return answers(calls);
}

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore(clock);
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log, pollingTimeoutSeconds: 1 });
  fake.setChatMemberStatus(fruit.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby, carol]) {
    await inFruit.say(user, '/start', { chat: dm(user) });
    await inFruit.say(user, '/help');
  }
  await inFruit.say(admin, '/admin item-add apple');
  await inFruit.say(admin, '/admin item-add orange');
  await inFruit.say(admin, '/admin grant @alice 10 apple');
  await inFruit.say(admin, '/admin grant @bobby 10 orange');
  await inFruit.say(admin, '/admin grant @carol 10 orange');
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  if (store) checkInvariants(store);
  store?.cleanup();
});

describe('confirm settlement on Telegram', () => {
  let offer: number;
  let trade: number;

  it('shows the market’s settings to an admin and switches settlement to confirm', async () => {
    const { calls } = await inFruit.say(admin, '/admin config');
    expect(answers(calls).join('\n')).toContain(
      ['settlement: instant (default)', 'accept-hours: 24 (default)', 'confirm-hours: 72 (default)', 'receipt-hours: 72 (default)', 'loops: on (default)'].join('\n'),
    );
    const set = await inFruit.say(admin, '/admin config settlement confirm');
    expect(inFruit.texts(set.calls)).toEqual(['settlement is now confirm. Trades already in settlement keep their deadlines.']);
    expect(store.core.marketSettings(marketId()).settlement).toBe('confirm');
  });

  it('puts the offer in settlement when Bobby presses Accept: his items held, the card "Being settled"', async () => {
    await inFruit.say(alice, '/post give 2 apple want 3 orange');
    offer = offerOf(inFruit.lastCard().text);
    const before = fake.messages(fruit.id).length;
    const privately = fake.messages(bobby.id).length;
    const calls = await inFruit.press(bobby, inFruit.lastCard(), `accept ${offer}`);
    trade = store.core.findOffer(offer)!.tradeId!;
    // Bobby's next step (Withdraw) comes to him privately, one press away; the group sees only the card change.
    expect(popup(calls)).toBe('');
    expect(fake.messages(fruit.id).slice(before)).toEqual([]);
    const [answer, ...others] = fake.messages(bobby.id).slice(privately);
    expect(others).toEqual([]);
    expect(plain(answer?.text ?? '')).toBe(
      `Fruit market\nYou took offer #${offer}: trade #${trade} is pending until Alice accepts you (within 24 h). Your 3 orange are held until the trade completes or falls through.`,
    );
    expect(buttonsOf(answer)).toEqual([['Withdraw', `withdraw ${trade}`]]);
    expect(plain(card(offer)?.text ?? '')).toContain('Being settled\nAccepted by Bobby');
    expect(card(offer)?.reply_markup).toBeUndefined();
    expect(holdings(alice)).toEqual({ apple: 8 });
    expect(holdings(bobby)).toEqual({ orange: 7 });
    // Nobody else can take it meanwhile.
    expect(await refusedOnly(carol, `/accept ${offer}`)).toEqual([`Offer #${offer} is being settled with another member, so it cannot be taken or countered now. See the open offers with /market.`]);
  });

  it('refuses a stranger’s /withdraw, an unknown trade and a bad setting in one sentence each, changing nothing', async () => {
    expect(await refusedOnly(carol, `/withdraw ${trade}`)).toEqual([`You were not part of trade #${trade}. See your own trades with /trades.`]);
    expect(await refusedOnly(bobby, '/confirm 999')).toEqual(['There is no trade #999 in this market. See yours with /trades.']);
    expect(await refusedOnly(admin, '/admin config accept-hours 0')).toEqual(['"0" is not a value for accept-hours: use a whole number of hours from 1 to 720.']);
  });

  it('DMs Alice once, with Accept taker and Reject; Accept taker answers with her next step', async () => {
    const dms = await deliver();
    expect(dms(bobby)).toEqual([]);
    const [note, ...more] = dms(alice);
    expect(more).toEqual([]);
    expect(plain(note?.text ?? '')).toBe(
      `Fruit market\nBobby wants your offer #${offer} (trade #${trade}) and holds 3 orange in escrow for you. Accept them before 2026-11-22 12:00 UTC, or reject:`,
    );
    expect(buttonsOf(note)).toEqual([['Accept taker', `confirm ${trade}`], ['Reject', `reject ${trade}`]]);

    const before = fake.messages(alice.id).length;
    await inFruit.press(alice, note!, `confirm ${trade}`);
    const [answer, ...others] = fake.messages(alice.id).slice(before);
    expect(others).toEqual([]);
    expect(plain(answer?.text ?? '')).toBe(
      `Fruit market\nYou accepted Bobby for trade #${trade}. Hand the items over, then confirm the handover with /confirm ${trade} (within 3 d).`,
    );
    expect(buttonsOf(answer)).toEqual([['Confirm handover', `confirm ${trade}`], ['Withdraw', `withdraw ${trade}`]]);
    expect(holdings(bobby)).toEqual({ orange: 7 });
  });

  it('tells Bobby he was accepted, with Withdraw; his /trades active shows the trade', async () => {
    const dms = await deliver();
    expect(dms(alice)).toEqual([]);
    expect(shown(dms(bobby))).toEqual([
      `Fruit market\nAlice accepted you for trade #${trade} (offer #${offer}). Meet to hand the items over; Alice confirms the handover before 2026-11-24 12:00 UTC.`,
    ]);
    expect(buttonsOf(dms(bobby)[0])).toEqual([['Withdraw', `withdraw ${trade}`]]);
    const { calls } = await inFruit.say(bobby, '/trades active');
    expect(inFruit.texts(calls, bobby.id).join('\n')).toContain(`Trade #${trade} (2026-11-21) processing with Alice: you give 3 orange, get 2 apple`);
  });

  it('takes Confirm handover from Alice’s answer; Bobby gets Confirm receipt, and nothing has moved yet', async () => {
    const answer = fake.messages(alice.id).find((m) => m.text?.includes('You accepted Bobby'))!;
    expect(popup(await inFruit.press(alice, answer, `confirm ${trade}`))).toBe(
      `You confirmed the handover of trade #${trade}; Bobby confirms receipt, or it completes by itself in 3 d.`,
    );
    const dms = await deliver();
    expect(dms(alice)).toEqual([]);
    const [note, ...more] = dms(bobby);
    expect(more).toEqual([]);
    expect(plain(note?.text ?? '')).toBe(
      `Fruit market\nAlice says they handed you 2 apple (trade #${trade}). Confirm once you have them; the trade completes by itself at 2026-11-24 12:00 UTC.`,
    );
    expect(buttonsOf(note)).toEqual([['Confirm receipt', `confirm ${trade}`]]);
    expect(holdings(alice)).toEqual({ apple: 8 });
    expect(holdings(bobby)).toEqual({ orange: 7 });
    // Withdrawing is over for both: the earlier Withdraw button now refuses, changing nothing.
    const withdraw = fake.messages(bobby.id).find((m) => m.text?.includes('accepted you for trade'))!;
    const before = tradeState(store.db);
    expect(popup(await inFruit.press(bobby, withdraw, `withdraw ${trade}`))).toContain(`The handover of trade #${trade} is confirmed, so it can no longer be withdrawn`);
    expect(tradeState(store.db)).toEqual(before);
    const { calls } = await inFruit.say(alice, '/trades active');
    expect(inFruit.texts(calls, alice.id).join('\n')).toContain(`Trade #${trade} (2026-11-21) processing, handed over with Bobby: you give 2 apple, get 3 orange`);
  });

  it('completes when Bobby presses Confirm receipt: items move, the card says traded, Alice is told once', async () => {
    const note = fake.messages(bobby.id).find((m) => m.text?.includes('says they handed you'))!;
    const sent = fake.messages(bobby.id).length;
    // An answer with buttons is a message, not a popup: rating is Bobby's next step.
    expect(popup(await inFruit.press(bobby, note, `confirm ${trade}`))).toBe('');
    const [answer, ...others] = fake.messages(bobby.id).slice(sent);
    expect(others).toEqual([]);
    expect(plain(answer?.text ?? '')).toBe(`Fruit market\nTrade #${trade} is complete: you received 2 apple and gave 3 orange. Rate it with /rate ${trade} 5.`);
    expect(buttonsOf(answer)).toEqual([1, 2, 3, 4, 5].map((n) => [`${n} ★`, `rate ${trade} ${n}`]));
    expect(holdings(alice)).toEqual({ apple: 8, orange: 3 });
    expect(holdings(bobby)).toEqual({ orange: 7, apple: 2 });
    expect(plain(card(offer)?.text ?? '')).toContain('Traded\nAccepted by Bobby');
    expect(plain(card(offer)?.text ?? '')).toContain(`Trade: #${trade}`);

    const dms = await deliver();
    expect(dms(bobby)).toEqual([]);
    expect(shown(dms(alice))).toEqual([`Fruit market\nTrade #${trade} with Bobby is complete: you received 3 orange and gave 2 apple. Rate Bobby:`]);
    expect(buttonsOf(dms(alice)[0])).toEqual([1, 2, 3, 4, 5].map((n) => [`${n} ★`, `rate ${trade} ${n}`]));

    const active = await inFruit.say(alice, '/trades active');
    expect(inFruit.texts(active.calls, alice.id).join('\n')).toContain('You have no trades here yet.');
    const inactive = await inFruit.say(alice, '/trades inactive');
    expect(inFruit.texts(inactive.calls, alice.id).join('\n')).toContain(`Trade #${trade} (2026-11-21) with Bobby: you gave 2 apple, got 3 orange (rate it: /rate ${trade} 5)`);
    // Pressing Confirm receipt again changes nothing.
    const before = tradeState(store.db);
    expect(popup(await inFruit.press(bobby, note, `confirm ${trade}`))).toBe(`Trade #${trade} is already complete; there is nothing left to confirm. Rate it with /rate ${trade} 5.`);
    expect(tradeState(store.db)).toEqual(before);
  });

  it('withdraws from the trade card: Carol is refunded, the offer is open again, Alice is told', async () => {
    await inFruit.say(alice, '/post give 1 apple want 1 orange');
    const second = offerOf(inFruit.lastCard().text);
    await inFruit.press(carol, inFruit.lastCard(), `accept ${second}`);
    const carolTrade = store.core.findOffer(second)!.tradeId!;
    expect(holdings(carol)).toEqual({ orange: 9 });
    const requested = (await deliver())(alice)[0]!;

    // Carol opens the trade: its card, with her one step.
    const { calls } = await inFruit.say(carol, `/trade ${carolTrade}`);
    const tradeCard = fake.messages(carol.id).at(-1)!;
    expect(inFruit.texts(calls, carol.id)).toHaveLength(1);
    expect(plain(tradeCard.text ?? '')).toContain('Pending: waiting for the owner to accept the taker');
    expect(buttonsOf(tradeCard)).toEqual([['Withdraw', `withdraw ${carolTrade}`]]);
    expect(popup(await inFruit.press(carol, tradeCard, `withdraw ${carolTrade}`))).toBe(`You withdrew from trade #${carolTrade}; 1 orange went back to your inventory.`);
    // The card she pressed follows the trade; the group card is open again.
    expect(plain(fake.message(carol.id, tradeCard.message_id)?.text ?? '')).toContain('Cancelled: the taker withdrew');
    expect(fake.message(carol.id, tradeCard.message_id)?.reply_markup).toBeUndefined();
    expect(plain(card(second)?.text ?? '')).toMatch(/^Offer #\d+\nOpen/);
    expect(buttonsOf(card(second)).map(([label]) => label)).toEqual(['Accept', 'Details', 'Cancel']);
    expect(holdings(carol)).toEqual({ orange: 10 });

    const dms = await deliver();
    expect(dms(carol)).toEqual([]);
    expect(shown(dms(alice))).toEqual([`Fruit market\nTrade #${carolTrade} with Carol is cancelled: the taker withdrew. Your offer #${second} is open again.`]);
    expect(dms(alice)[0]?.reply_markup).toBeUndefined();
    // Alice's Accept taker, pressed too late, changes nothing.
    const before = tradeState(store.db);
    expect(popup(await inFruit.press(alice, requested, `confirm ${carolTrade}`))).toBe(
      `Trade #${carolTrade} was cancelled (the taker withdrew); there is nothing left to do. See your trades with /trades.`,
    );
    expect(tradeState(store.db)).toEqual(before);
    const inactive = await inFruit.say(carol, '/trades inactive');
    expect(inFruit.texts(inactive.calls, carol.id).join('\n')).toContain(
      `Trade #${carolTrade} (2026-11-21) cancelled (cancelled_by_buyer) with Alice: you give 1 orange, get 1 apple`,
    );

    // Reopened, it can be taken again; Alice rejects this taker from her DM.
    await inFruit.press(bobby, card(second)!, `accept ${second}`);
    const bobbyTrade = store.core.findOffer(second)!.tradeId!;
    expect(bobbyTrade).toBeGreaterThan(carolTrade);
    const note = (await deliver())(alice)[0]!;
    expect(buttonsOf(note)).toEqual([['Accept taker', `confirm ${bobbyTrade}`], ['Reject', `reject ${bobbyTrade}`]]);
    expect(popup(await inFruit.press(alice, note, `reject ${bobbyTrade}`))).toBe(`You rejected the taker of trade #${bobbyTrade}; offer #${second} is open again.`);
    expect(holdings(bobby)).toEqual({ orange: 7, apple: 2 });
    expect(plain(card(second)?.text ?? '')).toMatch(/^Offer #\d+\nOpen/);
    const told = await deliver();
    expect(told(alice)).toEqual([]);
    expect(shown(told(bobby))).toEqual([`Fruit market\nTrade #${bobbyTrade} with Alice is cancelled: the owner rejected the taker. 1 orange went back to your inventory.`]);
  });
});
