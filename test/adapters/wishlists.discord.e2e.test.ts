// Issue 11, wishlists on Discord: `/want` answers only the member, offers that give a wished item
// come as one DM digest whose buttons work from the DM, and alerts can be turned off. The real
// discord.js client against the fake Discord; digests and DMs go out through the real jobs.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { createDiscordDelivery } from '../../src/adapters/discord/delivery.js';
import { WISH_DIGEST_EVERY_MS } from '../../src/core/wishes.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import { sendWishAlerts } from '../../src/jobs/wish-alerts.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeMessage, type FakeUserInput, type InteractionResponse, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { testClock, unwrap } from '../support/market.js';

const guild = { id: '100000000000000091', name: 'Fruit market' };
const ada: FakeUserInput = { id: '390000000000000200', username: 'ada', global_name: 'Ada' };
const alice: FakeUserInput = { id: '390000000000000201', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '390000000000000202', username: 'bobby', global_name: 'Bobby' };

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;
const clock = testClock();
const log = pino({ level: 'silent' });

const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
const user = (name: string, who: FakeUserInput): CommandOptionInput => ({ name, type: 6, value: who.id });
const resolved = (who: FakeUserInput): Json => ({
  users: { [who.id]: { id: who.id, username: who.username, discriminator: '0', global_name: who.global_name ?? null, avatar: null, bot: false, flags: 0, public_flags: 0 } },
  members: { [who.id]: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', nick: null, avatar: null, flags: 0, pending: false, premium_since: null, permissions: PERMISSIONS.member } },
});
const embedOf = (data: Json | null | undefined) => ((data?.['embeds'] as Json[] | undefined) ?? [])[0] ?? {};
const textOf = (data: Json | null | undefined) => [embedOf(data)['title'], embedOf(data)['description']].filter(Boolean).join('\n').replace(/\\(.)/g, '$1');
const footerOf = (data: Json | null | undefined) => (embedOf(data)['footer'] as { text?: string } | undefined)?.text;
const customIds = (data: Json | null | undefined) => ((data?.['components'] as Array<{ components: Json[] }> | undefined) ?? []).flatMap((row) => row.components).map((b) => String(b['custom_id']));
const bodyOf = (r: InteractionResponse | undefined): Json | null => (!r ? null : r.kind === 'callback' ? r.data : r.kind === 'delete' ? null : (r.message as Json));
const finished = (r: InteractionResponse) => r.kind === 'followUp' || (r.kind === 'callback' && r.type === 4);
const isEphemeral = (data: Json | null) => ((Number(data?.['flags'] ?? 0) & 64) === 64);

/** Runs a slash command in the server; returns the answer. */
async function slash(who: FakeUserInput, name: string, options: CommandOptionInput[] = [], extra: { subcommand?: string; permissions?: string; resolved?: Json } = {}) {
  const { interactionId } = fake.slashCommand({ user: who, guildId: guild.id, name, options, ...extra });
  return bodyOf(await fake.waitForResponse(interactionId, finished));
}
const want = (who: FakeUserInput, subcommand: string, options: CommandOptionInput[] = []) => slash(who, 'want', options, { subcommand });
const admin = (subcommand: string, options: CommandOptionInput[], member?: FakeUserInput) =>
  slash(ada, 'admin', options, { subcommand, permissions: PERMISSIONS.admin, ...(member ? { resolved: resolved(member) } : {}) });
/** Presses a button in a DM; returns the answer. */
async function pressInDm(who: FakeUserInput, message: FakeMessage, customId: string) {
  const { interactionId } = fake.pressButton({ user: who, message, customId, guildId: null });
  return bodyOf(await fake.waitForResponse(interactionId, finished));
}
/** Runs the alerts job and the outbox delivery once; returns Bobby's new digests. */
async function alertsAndDelivery(): Promise<FakeMessage[]> {
  const before = fake.dms(bobby.id).length;
  sendWishAlerts(store.core, log);
  await drainOutbox({ core: store.core, deliveries: [createDiscordDelivery(discord)], log });
  return fake.dms(bobby.id).slice(before).filter((message) => textOf(message as unknown as Json).includes('what you wish for'));
}
/** The newest open offer of the server's market. */
const lastOffer = () => unwrap(store.core.listMarketOffers(store.core.findMarket('discord', guild.id)!.id)).entries[0]!.id;

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore(clock);
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log });
  await discord.start();
  for (const item of ['apple', 'orange', 'pear']) await admin('item-add', [str('name', item)]);
  await admin('grant', [user('member', alice), str('items', '10 apple, 4 pear')], alice);
  await admin('grant', [user('member', bobby), str('items', '10 orange')], bobby);
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('wishlists on Discord', () => {
  it('keeps a wishlist, shown only to the member, and refuses bad input in one sentence', async () => {
    const added = await want(bobby, 'add', [str('items', 'apple, 2 pear')]);
    expect(isEphemeral(added)).toBe(true);
    expect(textOf(added)).toBe('Your wishlist: apple (any amount), 2 pear. You will hear about new offers that give these.');
    expect(textOf(await want(bobby, 'remove', [str('items', 'plum')]))).toBe('"plum" is not on your wishlist, which holds apple, pear.');
    expect(textOf(await want(bobby, 'list'))).toContain('• apple (any amount)\n• 2 pear\n\nAlerts are on.');
  });

  it('tells the wisher in one DM about an offer that gives a wished item, and Accept works from the DM', async () => {
    await slash(alice, 'post', [str('give', '3 apple'), str('want', '1 orange')]);
    const offer = lastOffer();
    const [digest, ...more] = await alertsAndDelivery();
    expect(more).toEqual([]);
    const shown = digest as unknown as Json;
    expect(textOf(shown)).toBe(`A new offer gives what you wish for:\n#${offer} Alice: gives 3 apple, wants 1 orange (you hold all it wants)\n/want alerts off stops these messages.`);
    expect(footerOf(shown)).toBe('Fruit market');
    expect(customIds(shown)).toEqual([`accept ${offer}`, `offer ${offer}`]);
    expect(textOf(await pressInDm(bobby, digest!, `accept ${offer}`))).toMatch(/^Done! Trade #\d+ with Alice/);
  });

  it('gathers several offers into the next digest, each opened by its button from the DM', async () => {
    await slash(alice, 'post', [str('give', '1 apple'), str('want', '5 orange')]);
    const first = lastOffer();
    await slash(alice, 'post', [str('give', '2 pear'), str('want', '1 orange')]);
    const second = lastOffer();
    expect(await alertsAndDelivery()).toEqual([]); // the last digest was moments ago
    clock.advance(WISH_DIGEST_EVERY_MS);
    const [digest] = await alertsAndDelivery();
    expect(textOf(digest as unknown as Json)).toContain(`2 new offers give what you wish for:\n#${first} Alice`);
    expect(customIds(digest as unknown as Json)).toEqual([`offer ${first}`, `offer ${second}`]);
    const opened = await pressInDm(bobby, digest!, `offer ${second}`);
    expect(textOf(opened)).toContain(`Offer #${second}`);
    expect(customIds(opened)).toContain(`accept ${second}`);
  });

  it('sends nothing while alerts are off', async () => {
    expect(textOf(await want(bobby, 'alerts', [str('state', 'off')]))).toContain('Alerts are off');
    await slash(alice, 'post', [str('give', '1 apple'), str('want', '1 orange')]);
    clock.advance(WISH_DIGEST_EVERY_MS);
    expect(await alertsAndDelivery()).toEqual([]);
  });
});
