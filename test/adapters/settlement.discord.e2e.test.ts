// Issue 10 on Discord: confirm settlement end to end. An admin switches the server's market to
// `confirm` with /admin config (options `setting` and `value`); Bobby presses Accept on the offer
// card, Alice accepts him and confirms the handover from the buttons on her DMs, Bobby confirms
// receipt from his; every DM, the card and the inventories at each step. The real discord.js
// client against the fake Discord; DMs go out through the real outbox delivery.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { createDiscordDelivery } from '../../src/adapters/discord/delivery.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeMessage, type FakeUserInput, type InteractionResponse, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { tradeState } from '../support/db-snapshot.js';
import { bodyOf, customIds, embedOf, fieldsOf, finished, resolved, str, textOf, user } from '../support/discord-interactions.js';
import { checkInvariants } from '../support/invariants.js';
import { testClock } from '../support/market.js';

const guild = { id: '100000000000000092', name: 'Fruit market' };
const ada: FakeUserInput = { id: '390000000000000300', username: 'ada', global_name: 'Ada' };
const alice: FakeUserInput = { id: '390000000000000301', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '390000000000000302', username: 'bobby', global_name: 'Bobby' };

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;
// 2026-11-21 12:00 UTC: the deadlines in the DMs are read from it.
const clock = testClock();
const log = pino({ level: 'silent' });

/** Runs a slash command; returns its interaction and what the member saw. */
async function slash(who: FakeUserInput, name: string, options: CommandOptionInput[] = [], extra: { subcommand?: string; permissions?: string; resolved?: Json } = {}) {
  const { interactionId } = fake.slashCommand({ user: who, guildId: guild.id, name, options, ...extra });
  return { interactionId, body: bodyOf(await fake.waitForResponse(interactionId)) };
}
const admin = async (subcommand: string, options: CommandOptionInput[], users: FakeUserInput[] = []) =>
  (await slash(ada, 'admin', options, { subcommand, permissions: PERMISSIONS.admin, ...(users.length ? { resolved: resolved(...users) } : {}) })).body;
/**
 * Presses a button (in a DM when `guildId` is null); returns the answer the presser saw and the
 * message it came in, if it is a message of its own that can be pressed in turn.
 */
async function press(who: FakeUserInput, message: FakeMessage, customId: string, guildId: string | null = null) {
  const { interactionId } = fake.pressButton({ user: who, message, customId, guildId });
  const answer: InteractionResponse = await fake.waitForResponse(interactionId, finished);
  const posted = answer.kind === 'followUp' ? answer.message : fake.original(interactionId);
  return { text: textOf(bodyOf(answer)), body: bodyOf(answer), posted };
}
async function deliver() {
  const before = new Map([alice, bobby].map((who) => [who.id, fake.dms(who.id).length]));
  await drainOutbox({ core: store.core, deliveries: [createDiscordDelivery(discord)], log });
  return (who: FakeUserInput) => fake.dms(who.id).slice(before.get(who.id) ?? 0) as unknown as Json[];
}
const footerOf = (data: Json | undefined) => (embedOf(data)['footer'] as { text?: string } | undefined)?.text;
const offerNumber = (data: Json | null) => Number(/#(\d+)/.exec(String(embedOf(data)['title'] ?? ''))?.[1]);
const marketId = () => store.core.findMarket('discord', guild.id)!.id;
const holdings = (who: FakeUserInput) => {
  const member = store.core.findMember(marketId(), who.id)!;
  return Object.fromEntries(store.core.getInventory(member.id).holdings.map((h) => [h.item.slug, h.quantity]));
};

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore(clock);
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log });
  await discord.start();
  await admin('item-add', [str('name', 'apple')]);
  await admin('item-add', [str('name', 'orange')]);
  await admin('grant', [user('member', alice), str('items', '10 apple')], [alice]);
  await admin('grant', [user('member', bobby), str('items', '10 orange')], [bobby]);
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  if (store) checkInvariants(store);
  store?.cleanup();
});

describe('confirm settlement on Discord', () => {
  let offer: number;
  let cardMessage: FakeMessage;
  let trade: number;
  /** The offer's card in the server's channel, as members see it now. */
  const cardNow = () => fake.channelMessages(cardMessage.channel_id).find((m) => m.id === cardMessage.id) as unknown as Json;

  it('shows the settings with /admin config, and sets settlement with the setting and value options', async () => {
    const listed = await admin('config', []);
    expect(embedOf(listed)['title']).toBe('Market settings');
    expect(textOf(listed).split('\n').slice(0, 4)).toEqual(['settlement: instant (default)', 'accept-hours: 24 (default)', 'confirm-hours: 72 (default)', 'receipt-hours: 72 (default)']);
    expect(textOf(await admin('config', [str('setting', 'settlement'), str('value', 'confirm')]))).toBe('settlement is now confirm. Trades already in settlement keep their deadlines.');
    const before = tradeState(store.db);
    expect(textOf(await admin('config', [str('setting', 'receipt-hours'), str('value', '0')]))).toBe(
      '"0" is not a value for receipt-hours: use a whole number of hours from 1 to 720.',
    );
    expect(tradeState(store.db)).toEqual(before);
    expect(textOf(await admin('config', []))).toContain('settlement: confirm\n');
  });

  it('puts the offer in settlement when Bobby presses Accept on its card', async () => {
    const posted = await slash(alice, 'post', [str('give', '2 apple'), str('want', '3 orange')]);
    offer = offerNumber(posted.body);
    cardMessage = fake.original(posted.interactionId)!;
    const { text, body } = await press(bobby, cardMessage, `accept ${offer}`, guild.id);
    trade = store.core.findOffer(offer)!.tradeId!;
    expect(text).toBe(`You took offer #${offer}: trade #${trade} is pending until Alice accepts you (within 24 h). Your 3 orange are held until the trade completes or falls through.`);
    // Bobby's next step, one press away.
    expect(customIds(body)).toEqual([`withdraw ${trade}`]);
    await vi.waitFor(() => expect(store.core.staleCards('discord')).toEqual([]));
    const card = cardNow();
    expect(textOf(card)).toBe('Being settled\nAccepted by Bobby');
    expect(customIds(card)).toEqual([]);
    expect(holdings(alice)).toEqual({ apple: 8 });
    expect(holdings(bobby)).toEqual({ orange: 7 });
  });

  it('DMs Alice with Accept taker and Reject; pressed in the DM, her answer carries her next step', async () => {
    const dms = await deliver();
    expect(dms(bobby)).toEqual([]);
    const [note, ...more] = dms(alice);
    expect(more).toEqual([]);
    expect(textOf(note)).toBe(`Bobby wants your offer #${offer} (trade #${trade}) and holds 3 orange in escrow for you. Accept them before 2026-11-22 12:00 UTC, or reject:`);
    expect(footerOf(note)).toBe('Fruit market');
    expect(customIds(note)).toEqual([`confirm ${trade}`, `reject ${trade}`]);

    const accepted = await press(alice, note as unknown as FakeMessage, `confirm ${trade}`);
    expect(accepted.text).toBe(`You accepted Bobby for trade #${trade}. Hand the items over, then confirm the handover with /confirm ${trade} (within 3 d).`);
    expect(customIds(accepted.body)).toEqual([`confirm ${trade}`, `withdraw ${trade}`]);

    const told = await deliver();
    expect(told(alice)).toEqual([]);
    expect(told(bobby).map((m) => textOf(m))).toEqual([
      `Alice accepted you for trade #${trade} (offer #${offer}). Meet to hand the items over; Alice confirms the handover before 2026-11-24 12:00 UTC.`,
    ]);
    expect(customIds(told(bobby)[0])).toEqual([`withdraw ${trade}`]);

    // Confirm handover, pressed on that answer.
    expect(accepted.posted).toBeDefined();
    const handedOver = await press(alice, accepted.posted!, `confirm ${trade}`);
    expect(handedOver.text).toBe(`You confirmed the handover of trade #${trade}; Bobby confirms receipt, or it completes by itself in 3 d.`);
    expect(holdings(alice)).toEqual({ apple: 8 });
    expect(holdings(bobby)).toEqual({ orange: 7 });
  });

  it('gives Bobby Confirm receipt; pressed in the DM it completes the trade and Alice is told once', async () => {
    const dms = await deliver();
    expect(dms(alice)).toEqual([]);
    const [note, ...more] = dms(bobby);
    expect(more).toEqual([]);
    expect(textOf(note)).toBe(`Alice says they handed you 2 apple (trade #${trade}). Confirm once you have them; the trade completes by itself at 2026-11-24 12:00 UTC.`);
    expect(customIds(note)).toEqual([`confirm ${trade}`]);

    const done = await press(bobby, note as unknown as FakeMessage, `confirm ${trade}`);
    expect(done.text).toBe(`Trade #${trade} is complete: you received 2 apple and gave 3 orange. Rate it with /rate ${trade} 5.`);
    expect(customIds(done.body)).toEqual([1, 2, 3, 4, 5].map((n) => `rate ${trade} ${n}`));
    expect(holdings(alice)).toEqual({ apple: 8, orange: 3 });
    expect(holdings(bobby)).toEqual({ orange: 7, apple: 2 });
    await vi.waitFor(() => expect(store.core.staleCards('discord')).toEqual([]));
    const card = cardNow();
    expect(textOf(card)).toBe('Traded\nAccepted by Bobby');
    expect(fieldsOf(card)).toMatchObject({ Trade: `#${trade}` });

    const told = await deliver();
    expect(told(bobby)).toEqual([]);
    expect(told(alice).map((m) => textOf(m))).toEqual([`Trade #${trade} with Bobby is complete: you received 3 orange and gave 2 apple. Rate Bobby:`]);
    expect(customIds(told(alice)[0])).toEqual([1, 2, 3, 4, 5].map((n) => `rate ${trade} ${n}`));

    const { body } = await slash(alice, 'trades', [str('filter', 'inactive')]);
    expect(textOf(body)).toBe(`Trade #${trade} (2026-11-21) with Bobby: you gave 2 apple, got 3 orange (rate it: /rate ${trade} 5)`);
  });
});
