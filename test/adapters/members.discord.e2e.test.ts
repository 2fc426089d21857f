// Who may act on a market (issue 9, hole 4): a banned member cannot rate. The real discord.js
// client against the fake Discord.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeUserInput, type InteractionResponse, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { tradeState } from '../support/db-snapshot.js';

const guild = { id: '100000000000000401', name: 'Seed library' };
const ada: FakeUserInput = { id: '300000000000000400', username: 'ada', global_name: 'Ada' };
const alice: FakeUserInput = { id: '300000000000000401', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '300000000000000402', username: 'bobby', global_name: 'Bobby' };

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;

const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
const int = (name: string, value: number): CommandOptionInput => ({ name, type: 4, value });
const user = (name: string, who: FakeUserInput): CommandOptionInput => ({ name, type: 6, value: who.id });
const resolved = (who: FakeUserInput): Json => ({
  users: { [who.id]: { id: who.id, username: who.username, discriminator: '0', global_name: who.global_name ?? null, avatar: null, bot: false, flags: 0, public_flags: 0 } },
  members: { [who.id]: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', nick: null, avatar: null, flags: 0, pending: false, premium_since: null, permissions: PERMISSIONS.member } },
});
const textOf = (r: InteractionResponse | undefined) => {
  const data = r?.kind === 'callback' ? r.data : r?.kind === 'followUp' || r?.kind === 'edit' ? (r.message as Json) : null;
  return String((((data?.['embeds'] as Json[] | undefined) ?? [])[0] ?? {})['description'] ?? '').replace(/\\(.)/g, '$1');
};

async function slash(who: FakeUserInput, name: string, options: CommandOptionInput[], extra: { subcommand?: string; permissions?: string; resolved?: Json } = {}) {
  const { interactionId } = fake.slashCommand({ user: who, guildId: guild.id, name, options, ...extra });
  return { interactionId, text: textOf(await fake.waitForResponse(interactionId)) };
}
const admin = (subcommand: string, options: CommandOptionInput[], who: FakeUserInput) =>
  slash(ada, 'admin', options, { subcommand, permissions: PERMISSIONS.admin, resolved: resolved(who) });

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore();
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log: pino({ level: 'silent' }) });
  await discord.start();
  await slash(ada, 'admin', [str('name', 'tomato')], { subcommand: 'item-add', permissions: PERMISSIONS.admin });
  await slash(ada, 'admin', [str('name', 'bean')], { subcommand: 'item-add', permissions: PERMISSIONS.admin });
  await admin('grant', [user('member', alice), str('items', '5 tomato')], alice);
  await admin('grant', [user('member', bobby), str('items', '5 bean')], bobby);
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('who may act on a Discord market', () => {
  it('refuses a rating from a member banned after the trade, and keeps the other side’s', async () => {
    await slash(alice, 'post', [str('give', '1 tomato'), str('want', '1 bean')]);
    expect((await slash(bobby, 'accept', [int('offer', 1)])).text).toContain('Done!');
    await admin('ban', [user('member', bobby), str('reason', 'spamming')], bobby);
    const before = tradeState(store.db);
    expect((await slash(bobby, 'rate', [int('trade', 1), int('stars', 1)])).text).toBe('You are banned from this market (spamming), so you cannot rate trades; ask an admin if you think this is a mistake.');
    expect(tradeState(store.db)).toEqual(before);
    expect((await slash(alice, 'rate', [int('trade', 1), int('stars', 5)])).text).toContain('You gave Bobby ★★★★★ for trade #1');
  });
});
