// Discord autocomplete end to end: the real discord.js client logged in to the fake Discord, one
// server whose members type options and read the suggestions Discord would show them.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeUserInput, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';

const guild = { id: '100000000000000088', name: 'Fruit market' };
const ada: FakeUserInput = { id: '310000000000000100', username: 'ada_admin', global_name: 'Ada' };
const alice: FakeUserInput = { id: '310000000000000101', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '310000000000000102', username: 'bobby', global_name: 'Bobby' };
const carol: FakeUserInput = { id: '310000000000000103', username: 'carol', global_name: 'Carol' };
const newcomer: FakeUserInput = { id: '310000000000000199', username: 'newcomer' }; // never used a command here

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;

const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
const int = (name: string, value: number): CommandOptionInput => ({ name, type: 4, value });
const user = (name: string, who: FakeUserInput): CommandOptionInput => ({ name, type: 6, value: who.id });
/** What Discord sends for an integer option being typed: the text so far. */
const typing = (name: string, text: string): CommandOptionInput => ({ name, type: 4, value: text, focused: true });
const typingText = (name: string, text: string): CommandOptionInput => ({ name, type: 3, value: text, focused: true });
const resolved = (...users: FakeUserInput[]): Json => ({
  users: Object.fromEntries(users.map((u) => [u.id, { id: u.id, username: u.username, discriminator: '0', global_name: u.global_name ?? null, avatar: null, bot: false, flags: 0, public_flags: 0 }])),
  members: Object.fromEntries(
    users.map((u) => [u.id, { roles: [], joined_at: '2024-01-01T00:00:00.000Z', nick: null, avatar: null, flags: 0, pending: false, premium_since: null, permissions: PERMISSIONS.member }]),
  ),
});

/** Runs a slash command; returns the text of the embed the member saw. */
async function slash(who: FakeUserInput, name: string, options: CommandOptionInput[], extra: { subcommand?: string; permissions?: string; resolved?: Json } = {}) {
  const { interactionId } = fake.slashCommand({ user: who, name, options, ...extra });
  const response = await fake.waitForResponse(interactionId);
  const data = response.kind === 'delete' ? null : response.data;
  const embed = ((data?.['embeds'] as Json[] | undefined) ?? [])[0] ?? {};
  return { title: embed['title'] as string | undefined, text: embed['description'] as string | undefined };
}
const adminDoes = (subcommand: string, options: CommandOptionInput[], users: FakeUserInput[] = []) =>
  slash(ada, 'admin', options, { subcommand, permissions: PERMISSIONS.admin, ...(users.length ? { resolved: resolved(...users) } : {}) });
/** Posts an offer; returns its number. */
async function post(who: FakeUserInput, give: string, want: string, to?: FakeUserInput) {
  const posted = await slash(who, 'post', [str('give', give), str('want', want), ...(to ? [user('to', to)] : [])], to ? { resolved: resolved(to) } : {});
  const number = Number(/#(\d+)/.exec(posted.title ?? '')?.[1]);
  if (!number) throw new Error(`no offer was posted: ${posted.text}`);
  return number;
}

/** The suggestions Discord would show `who` while typing the focused option. */
async function suggestions(who: FakeUserInput, name: string, options: CommandOptionInput[], subcommand?: string) {
  const { interactionId } = fake.autocomplete({ user: who, name, options, ...(subcommand ? { subcommand } : {}) });
  const response = await fake.waitForResponse(interactionId);
  expect(response).toMatchObject({ kind: 'callback', type: 8 });
  const data = response.kind === 'callback' ? response.data : null;
  return (data?.['choices'] as Array<{ name: string; value: string | number }> | undefined) ?? [];
}
const numbers = (choices: Array<{ value: string | number }>) => choices.map((choice) => choice.value);

let publicByAlice: number;
let forCarol: number;
let publicByBobby: number;

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore();
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log: pino({ level: 'silent' }) });
  await discord.start();
  await adminDoes('item-add', [str('name', 'apple'), str('emoji', '🍎')]);
  await adminDoes('item-add', [str('name', 'orange')]);
  await adminDoes('item-add', [str('name', 'pear')]);
  // These offers mirror each other on purpose and must stay open: loops (tested in loops.*) off.
  store.core.setLoops(store.core.findMarket('discord', guild.id)!.id, false);
  await adminDoes('grant', [user('member', alice), str('items', '10 apple')], [alice]);
  await adminDoes('grant', [user('member', bobby), str('items', '10 orange')], [bobby]);
  await adminDoes('grant', [user('member', carol), str('items', '10 orange')], [carol]);
  publicByAlice = await post(alice, '1 apple', '1 orange');
  forCarol = await post(alice, '2 apple', '1 orange', carol);
  publicByBobby = await post(bobby, '1 orange', '1 apple');
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('Discord autocomplete', () => {
  it('suggests catalog item names for /market item and /admin item-edit item, one name each', async () => {
    expect(await suggestions(bobby, 'market', [typingText('item', 'or')])).toEqual([{ name: 'orange', value: 'orange' }]);
    expect(await suggestions(bobby, 'market', [typingText('item', '')])).toEqual(
      expect.arrayContaining([{ name: 'apple', value: 'apple' }, { name: 'orange', value: 'orange' }, { name: 'pear', value: 'pear' }]),
    );
    // A single name is wanted here, not an items list: no quantity is put in front.
    expect(await suggestions(bobby, 'market', [typingText('item', '2 pe')])).toEqual([]);
    expect(await suggestions(ada, 'admin', [typingText('item', 'APP'), str('name', 'green apple')], 'item-edit')).toEqual([{ name: 'apple', value: 'apple' }]);
    // The picked name works in the command.
    const filtered = await slash(bobby, 'market', [str('item', 'orange')]);
    expect(filtered.text).toContain(`#${publicByAlice} `);
  });

  it('suggests to /accept only offers the member could accept: not their own, not meant for someone else', async () => {
    expect(numbers(await suggestions(bobby, 'accept', [typing('offer', '')]))).toEqual([publicByAlice]);
    expect(numbers(await suggestions(alice, 'accept', [typing('offer', '')]))).toEqual([publicByBobby]);
    expect(numbers(await suggestions(carol, 'accept', [typing('offer', '')]))).toEqual([publicByBobby, forCarol, publicByAlice]);
    // Typed in full, an offer meant for someone else is still not suggested.
    expect(await suggestions(bobby, 'accept', [typing('offer', String(forCarol))])).toEqual([]);
    expect(numbers(await suggestions(carol, 'accept', [typing('offer', `#${forCarol}`)]))).toEqual([forCarol]);
    // Someone the bot has never seen may accept any public offer.
    expect(numbers(await suggestions(newcomer, 'accept', [typing('offer', '')]))).toEqual([publicByBobby, publicByAlice]);
    // /offer (just looking) still lists every open offer.
    expect(numbers(await suggestions(bobby, 'offer', [typing('offer', '')]))).toEqual([publicByBobby, forCarol, publicByAlice]);
  });

  it('suggests to /decline the offers meant for the member, and forgets one once declined', async () => {
    const choices = await suggestions(carol, 'decline', [typing('offer', '')]);
    expect(choices).toEqual([{ name: expect.stringContaining(`#${forCarol} 2 🍎 apple`), value: forCarol }]);
    expect(await suggestions(bobby, 'decline', [typing('offer', '')])).toEqual([]);
    expect(await suggestions(newcomer, 'decline', [typing('offer', '')])).toEqual([]);

    await slash(carol, 'decline', [int('offer', forCarol)]);
    expect(store.core.getOffer(store.core.findMarket('discord', guild.id)!.id, forCarol)?.status).toBe('declined');
    expect(await suggestions(carol, 'decline', [typing('offer', '')])).toEqual([]);
    expect(numbers(await suggestions(carol, 'accept', [typing('offer', '')]))).toEqual([publicByBobby, publicByAlice]);
  });

  it('suggests to /rate the member’s completed trades they have not rated, and drops one once rated', async () => {
    expect(await suggestions(bobby, 'rate', [typing('trade', '')])).toEqual([]);
    await slash(bobby, 'accept', [int('offer', publicByAlice)]);
    const [trade] = store.core.listTrades(store.core.findMember(store.core.findMarket('discord', guild.id)!.id, bobby.id)!.id).entries;
    if (!trade) throw new Error('no trade');

    const forBobby = await suggestions(bobby, 'rate', [typing('trade', '')]);
    expect(forBobby).toEqual([{ name: expect.stringContaining(`#${trade.id}`), value: trade.id }]);
    expect(forBobby[0]?.name).toContain('Alice');
    expect(numbers(await suggestions(alice, 'rate', [typing('trade', '')]))).toEqual([trade.id]);
    expect(await suggestions(carol, 'rate', [typing('trade', '')])).toEqual([]);
    expect(await suggestions(bobby, 'rate', [typing('trade', `${trade.id + 1}`)])).toEqual([]);

    await slash(bobby, 'rate', [int('trade', trade.id), int('stars', 5)]);
    expect(await suggestions(bobby, 'rate', [typing('trade', '')])).toEqual([]);
    expect(await suggestions(bobby, 'rate', [typing('trade', String(trade.id))])).toEqual([]);
    // The other side has not rated yet: theirs stays.
    expect(numbers(await suggestions(alice, 'rate', [typing('trade', '')]))).toEqual([trade.id]);
  });
});
