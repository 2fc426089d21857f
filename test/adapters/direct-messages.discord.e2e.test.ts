// Issue 9, holes 2, 5 and 6 on Discord: direct messages name their server's market and carry
// buttons that act on it from the DM; a member with DMs closed sees what waited on their next
// interaction. The real discord.js client against the fake Discord; DMs go out through the outbox.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { createDiscordDelivery } from '../../src/adapters/discord/delivery.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeMessage, type FakeUserInput, type InteractionResponse, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { tradeState } from '../support/db-snapshot.js';

const guild = { id: '100000000000000090', name: 'Fruit market' };
const ada: FakeUserInput = { id: '390000000000000100', username: 'ada', global_name: 'Ada' };
const alice: FakeUserInput = { id: '390000000000000101', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '390000000000000102', username: 'bobby', global_name: 'Bobby' };
const carol: FakeUserInput = { id: '390000000000000103', username: 'carol', global_name: 'Carol' };
const erin: FakeUserInput = { id: '390000000000000104', username: 'erin', global_name: 'Erin' }; // DMs closed

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;
const log = pino({ level: 'silent' });

const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
const user = (name: string, who: FakeUserInput): CommandOptionInput => ({ name, type: 6, value: who.id });
const resolved = (...users: FakeUserInput[]): Json => ({
  users: Object.fromEntries(users.map((u) => [u.id, { id: u.id, username: u.username, discriminator: '0', global_name: u.global_name ?? null, avatar: null, bot: false, flags: 0, public_flags: 0 }])),
  members: Object.fromEntries(users.map((u) => [u.id, { roles: [], joined_at: '2024-01-01T00:00:00.000Z', nick: null, avatar: null, flags: 0, pending: false, premium_since: null, permissions: PERMISSIONS.member }])),
});
const embedOf = (data: Json | null | undefined) => ((data?.['embeds'] as Json[] | undefined) ?? [])[0] ?? {};
const textOf = (data: Json | null | undefined) => String(embedOf(data)['description'] ?? '').replace(/\\(.)/g, '$1');
const footerOf = (data: Json | null | undefined) => (embedOf(data)['footer'] as { text?: string } | undefined)?.text;
const customIds = (data: Json | null | undefined) => ((data?.['components'] as Array<{ components: Json[] }> | undefined) ?? []).flatMap((row) => row.components).map((b) => String(b['custom_id']));
const bodyOf = (r: InteractionResponse | undefined): Json | null => (!r ? null : r.kind === 'callback' ? r.data : r.kind === 'delete' ? null : (r.message as Json));
const finished = (r: InteractionResponse) => r.kind === 'followUp' || (r.kind === 'callback' && r.type === 4);

async function slash(who: FakeUserInput, name: string, options: CommandOptionInput[] = [], extra: { subcommand?: string; permissions?: string; resolved?: Json } = {}) {
  const { interactionId } = fake.slashCommand({ user: who, guildId: guild.id, name, options, ...extra });
  await fake.waitForResponse(interactionId);
  return interactionId;
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
const lastDm = (who: FakeUserInput) => fake.dms(who.id).at(-1);
const offerIn = (text: string) => Number(/offer #(\d+)/.exec(text)?.[1]);

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore();
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log });
  await discord.start();
  await admin('item-add', [str('name', 'apple')]);
  await admin('item-add', [str('name', 'orange')]);
  await admin('grant', [user('member', alice), str('items', '10 apple')], [alice]);
  for (const who of [bobby, carol, erin]) await admin('grant', [user('member', who), str('items', '10 orange')], [who]);
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('direct messages on Discord', () => {
  let directed: number;

  it('sends a directed offer’s DM naming its server’s market, with Accept and Decline', async () => {
    await slash(alice, 'post', [str('give', '2 apple'), str('want', '1 orange'), user('to', bobby)], { resolved: resolved(bobby) });
    await deliver();
    const note = lastDm(bobby) as unknown as Json;
    directed = offerIn(textOf(note));
    expect(textOf(note)).toBe(`Alice offers you 2 apple for 1 orange (offer #${directed}).`);
    expect(footerOf(note)).toBe('Fruit market');
    expect(customIds(note)).toEqual([`accept ${directed}`, `decline ${directed}`]);
  });

  it('takes Accept pressed in the DM, in the DM’s market, and rates from the completion DMs', async () => {
    expect(await pressInDm(bobby, lastDm(bobby)!, `accept ${directed}`)).toMatch(/^Done! Trade #\d+ with Alice/);
    const trade = store.core.findOffer(directed)!.tradeId!;
    await deliver();
    const toAlice = lastDm(alice)!;
    expect(customIds(toAlice as unknown as Json)).toEqual([1, 2, 3, 4, 5].map((n) => `rate ${trade} ${n}`));
    expect(await pressInDm(alice, toAlice, `rate ${trade} 5`)).toBe(`You gave Bobby ★★★★★ for trade #${trade}. Thank you!`);
  });

  it('refuses a DM press from a member who left the server, changing nothing', async () => {
    await slash(alice, 'post', [str('give', '1 apple'), str('want', '1 orange'), user('to', carol)], { resolved: resolved(carol) });
    await deliver();
    const note = lastDm(carol)!;
    fake.leaveGuild(guild.id, carol.id);
    const before = tradeState(store.db);
    expect(await pressInDm(carol, note, `accept ${offerIn(textOf(note as unknown as Json))}`)).toBe(
      'You are not a member of the group this card belongs to, so you cannot act on it.',
    );
    expect(tradeState(store.db)).toEqual(before);
    fake.leaveGuild(guild.id, carol.id, false);
  });

  it('shows a member with DMs closed what waited, on their next interaction, counted as delivered', async () => {
    fake.refuseDMs(erin.id);
    await slash(alice, 'post', [str('give', '1 apple'), str('want', '1 orange'), user('to', erin)], { resolved: resolved(erin) });
    await deliver();
    expect(fake.dms(erin.id)).toEqual([]);
    const { interactionId } = fake.slashCommand({ user: erin, guildId: guild.id, name: 'inventory', options: [] });
    const waiting = await fake.waitForResponse(interactionId, (r) => r.kind === 'followUp');
    expect(bodyOf(waiting)?.['flags']).toBe(64);
    const offer = offerIn(textOf(bodyOf(waiting)));
    expect(textOf(bodyOf(waiting))).toBe(`Alice offers you 1 apple for 1 orange (offer #${offer}).`);
    const erinsRows = `SELECT o.kind, o.status FROM outbox o JOIN members m ON m.id = o.recipient_id WHERE m.platform_user_id = '${erin.id}' AND o.kind <> 'unreachable_notice'`;
    await vi.waitFor(() => expect(store.db.sqlite.prepare(erinsRows).all()).toEqual([{ kind: 'offer_directed', status: 'delivered' }]));
    // Its buttons work where it was shown.
    const { interactionId: pressed } = fake.pressButton({ user: erin, guildId: guild.id, message: (waiting as { message: FakeMessage }).message, customId: `accept ${offer}` });
    expect(textOf(bodyOf(await fake.waitForResponse(pressed, finished)))).toMatch(/^Done! Trade #\d+ with Alice/);
  });
});
