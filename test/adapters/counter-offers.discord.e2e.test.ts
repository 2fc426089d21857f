// Issue 10 on Discord: a directed offer countered with /counter and the counter accepted by the
// button on the owner's direct message, with every DM. The real discord.js client against the
// fake Discord; DMs go out through the real outbox delivery.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { createDiscordDelivery } from '../../src/adapters/discord/delivery.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeMessage, type FakeUserInput, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { tradeState } from '../support/db-snapshot.js';
import { bodyOf, customIds, embedOf, fieldsOf, finished, resolved, textOf } from '../support/discord-interactions.js';

const guild = { id: '100000000000000091', name: 'Fruit market' };
const ada: FakeUserInput = { id: '390000000000000200', username: 'ada', global_name: 'Ada' };
const alice: FakeUserInput = { id: '390000000000000201', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '390000000000000202', username: 'bobby', global_name: 'Bobby' };

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;
const log = pino({ level: 'silent' });

const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
const int = (name: string, value: number): CommandOptionInput => ({ name, type: 4, value });
const user = (name: string, who: FakeUserInput): CommandOptionInput => ({ name, type: 6, value: who.id });
/** Runs a slash command; returns what the member saw. */
async function slash(who: FakeUserInput, name: string, options: CommandOptionInput[] = [], extra: { subcommand?: string; permissions?: string; resolved?: Json } = {}) {
  const { interactionId } = fake.slashCommand({ user: who, guildId: guild.id, name, options, ...extra });
  return bodyOf(await fake.waitForResponse(interactionId));
}
const admin = (subcommand: string, options: CommandOptionInput[], users: FakeUserInput[] = []) =>
  slash(ada, 'admin', options, { subcommand, permissions: PERMISSIONS.admin, ...(users.length ? { resolved: resolved(...users) } : {}) });
/** Presses a button in a DM (no server); returns what the presser was answered. */
async function pressInDm(who: FakeUserInput, message: FakeMessage, customId: string) {
  const { interactionId } = fake.pressButton({ user: who, message, customId, guildId: null });
  return textOf(bodyOf(await fake.waitForResponse(interactionId, finished)));
}
async function deliver() {
  await drainOutbox({ core: store.core, deliveries: [createDiscordDelivery(discord)], log });
}
const offerNumber = (data: Json | null) => Number(/#(\d+)/.exec(String(embedOf(data)['title'] ?? ''))?.[1]);
const holdings = (who: FakeUserInput) => {
  const market = store.core.findMarket('discord', guild.id)!;
  const member = store.core.findMember(market.id, who.id)!;
  return Object.fromEntries(store.core.getInventory(member.id).holdings.map((h) => [h.item.slug, h.quantity]));
};

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore();
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
  store?.cleanup();
});

describe('counter-offers on Discord', () => {
  let directed: number;
  let counter: number;
  const counterDm = () => fake.dms(alice.id).find((m) => textOf(m as unknown as Json).includes(`with #${counter}:`))!;

  it('counters a directed offer with /counter: a card with its thread and Counter, the original closed', async () => {
    directed = offerNumber(await slash(alice, 'post', [str('give', '2 apple'), str('want', '1 orange'), user('to', bobby)], { resolved: resolved(bobby) }));
    await deliver();
    const card = await slash(bobby, 'counter', [int('offer', directed), str('give', '1 orange'), str('want', '3 apple'), str('note', 'my last word')]);
    counter = offerNumber(card);
    expect(counter).toBeGreaterThan(directed);
    expect(textOf(card)).toContain(`Counter #${counter} to offer #${directed} is made to Alice, who is told. Offer #${directed} is closed: your counter replaces it.`);
    expect(fieldsOf(card)).toMatchObject({ 'Counter to': `#${directed}`, Note: 'my last word', 'Only for': 'Alice' });
    expect(customIds(card)).toEqual([`accept ${counter}`, `offer ${counter}`, `decline ${counter}`, `counter ${counter}`, `cancel ${counter}`]);
    expect(store.core.findOffer(directed)?.status).toBe('countered');
    expect(holdings(alice)).toEqual({ apple: 10 });
    expect(holdings(bobby)).toEqual({ orange: 9 });
  });

  it('DMs Alice once about the counter, with Accept, Decline and Counter', async () => {
    const before = fake.dms(alice.id).length;
    await deliver();
    const notes = fake.dms(alice.id).slice(before);
    expect(notes.map((note) => textOf(note as unknown as Json))).toEqual([
      `Bobby countered your offer #${directed} with #${counter}: Bobby gives 1 orange for 3 apple. Offer #${directed} is closed and 2 apple went back to your inventory.`,
    ]);
    expect(customIds(notes[0] as unknown as Json)).toEqual([`accept ${counter}`, `decline ${counter}`, `counter ${counter}`]);
  });

  it('answers Counter in the DM with the slash command to use, changing nothing', async () => {
    // The original's card in the server is brought up to date after /counter answered: let it finish.
    await vi.waitFor(() => expect(store.core.staleCards('discord')).toEqual([]));
    const before = tradeState(store.db);
    expect(await pressInDm(alice, counterDm(), `counter ${counter}`)).toBe(
      `To counter #${counter}, say what you give and want instead: /counter offer:${counter} give: want: [note:]`,
    );
    expect(tradeState(store.db)).toEqual(before);
  });

  it('takes the counter when Alice presses Accept in the DM, and both get their trade DM', async () => {
    expect(await pressInDm(alice, counterDm(), `accept ${counter}`)).toMatch(
      new RegExp(`^Done! Trade #\\d+ with Bobby \\(offer #${counter}\\): you received 1 orange and gave 3 apple\\.$`),
    );
    const trade = store.core.findOffer(counter)!.tradeId!;
    expect(holdings(alice)).toEqual({ apple: 7, orange: 1 });
    expect(holdings(bobby)).toEqual({ orange: 9, apple: 3 });
    const [aliceBefore, bobbyBefore] = [fake.dms(alice.id).length, fake.dms(bobby.id).length];
    await deliver();
    expect(fake.dms(bobby.id).slice(bobbyBefore).map((m) => textOf(m as unknown as Json))).toEqual([
      `Alice accepted your offer #${counter} (trade #${trade}): you received 3 apple for 1 orange. Rate Alice:`,
    ]);
    expect(fake.dms(alice.id).slice(aliceBefore).map((m) => textOf(m as unknown as Json))).toEqual([
      `Trade #${trade} with Bobby (offer #${counter}) is done: you received 1 orange and gave 3 apple. Rate Bobby:`,
    ]);
  });
});
