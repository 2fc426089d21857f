// Issue 11, loops of offers, on Discord: the real discord.js client against the fake Discord. Three
// members post offers that form a loop; the third post closes it by itself.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { createDiscordDelivery } from '../../src/adapters/discord/delivery.js';
import { refreshCards } from '../../src/jobs/cards.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeMessage, type FakeUserInput, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { checkInvariants } from '../support/invariants.js';

const guild = { id: '100000000000000071', name: 'Loop market' };
const ada: FakeUserInput = { id: '371000000000000100', username: 'ada_admin', global_name: 'Ada' };
const alice: FakeUserInput = { id: '371000000000000101', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '371000000000000102', username: 'bobby', global_name: 'Bobby' };
const carol: FakeUserInput = { id: '371000000000000103', username: 'carol', global_name: 'Carol' };

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;
const log = pino({ level: 'silent' });

const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
const user = (name: string, who: FakeUserInput): CommandOptionInput => ({ name, type: 6, value: who.id });
const resolved = (who: FakeUserInput): Json => ({
  users: { [who.id]: { id: who.id, username: who.username, discriminator: '0', global_name: who.global_name ?? null, avatar: null, bot: false, flags: 0, public_flags: 0 } },
  members: { [who.id]: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', nick: null, avatar: null, flags: 0, pending: false, premium_since: null, permissions: PERMISSIONS.member } },
});
/** An embed as a member reads it (markdown escapes undone). */
const shown = (text: unknown) => (typeof text === 'string' ? text.replace(/\\([\\*_~`|>#\-.[\]()])/g, '$1') : undefined);
const embedOf = (data: Json | null | undefined) => ((data?.['embeds'] as Json[] | undefined) ?? [])[0] ?? {};

async function slash(who: FakeUserInput, name: string, options: CommandOptionInput[] = [], extra: { subcommand?: string; permissions?: string; resolved?: Json } = {}) {
  const { interactionId } = fake.slashCommand({ user: who, name, options, ...extra });
  const response = await fake.waitForResponse(interactionId);
  const data = response.kind === 'delete' ? null : response.data;
  return { interactionId, title: shown(embedOf(data)['title']), text: shown(embedOf(data)['description']), fields: (embedOf(data)['fields'] as Array<{ name: string; value: string }> | undefined) ?? [] };
}
const admin = (subcommand: string, options: CommandOptionInput[], who?: FakeUserInput) =>
  slash(ada, 'admin', options, { subcommand, permissions: PERMISSIONS.admin, ...(who ? { resolved: resolved(who) } : {}) });

async function post(who: FakeUserInput, give: string, want: string): Promise<{ offer: number; message: FakeMessage }> {
  const posted = await slash(who, 'post', [str('give', give), str('want', want)]);
  const offer = Number(/#(\d+)/.exec(posted.title ?? '')?.[1]);
  const message = fake.original(posted.interactionId);
  if (!offer || !message) throw new Error(`no offer was posted: ${posted.text}`);
  return { offer, message };
}
const inChannel = (message: FakeMessage) => shown(embedOf(fake.channelMessages(fake.guilds[0]!.channelId).find((m) => m.id === message.id) as unknown as Json)['description']);
const holdings = async (who: FakeUserInput) => (await slash(who, 'inventory')).fields.find((field) => field.name === 'You hold')?.value;

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore();
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log });
  await discord.start();
  for (const item of ['apple', 'orange', 'pear']) await admin('item-add', [str('name', item)]);
  await admin('grant', [user('member', alice), str('items', '5 apple')], alice);
  await admin('grant', [user('member', bobby), str('items', '5 pear')], bobby);
  await admin('grant', [user('member', carol), str('items', '5 orange')], carol);
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('a loop of three offers', () => {
  it('completes all three when the third is posted: items moved, every owner told by DM, every card updated', async () => {
    const a = await post(alice, '2 apple', '1 orange');
    const b = await post(bobby, '3 pear', '2 apple');
    const c = await post(carol, '1 orange', '3 pear');
    expect([a, b, c].map(({ offer }) => store.core.findOffer(offer)?.status)).toEqual(['completed', 'completed', 'completed']);

    expect(await holdings(alice)).toBe('3 apple, 1 orange');
    expect(await holdings(bobby)).toBe('2 apple, 2 pear');
    expect(await holdings(carol)).toBe('4 orange, 3 pear');

    const counts = new Map([alice, bobby, carol].map((who) => [who.id, fake.dms(who.id).length]));
    await drainOutbox({ core: store.core, deliveries: [createDiscordDelivery(discord)], log });
    const dms = (who: FakeUserInput) => fake.dms(who.id).slice(counts.get(who.id)).map((message) => shown(embedOf(message as unknown as Json)['description']));
    expect(dms(alice)).toEqual([expect.stringMatching(new RegExp(`^Your offer #${a.offer} traded in a loop of 3 offers \\(loop #\\d+: Carol → Alice → Bobby → Carol\\).*you gave 2 apple to Bobby \\(trade #\\d+\\) and received 1 orange from Carol`))]);
    expect(dms(bobby)).toEqual([expect.stringContaining('you gave 3 pear to Carol')]);
    expect(dms(carol)).toEqual([expect.stringContaining('you gave 1 orange to Alice')]);

    // The third post's card is edited at once; the others on the card job's pass.
    await refreshCards({ core: store.core, editor: discord.cardEditor, log });
    for (const { message } of [a, b, c]) await vi.waitFor(() => expect(inChannel(message)).toMatch(/^Traded/));
    checkInvariants(store);
  });
});
