// Issue 13, reputation on Discord: /profile shows the partner-weighted score, trades, member since
// and the latest reviews, only to the asker; an admin hides an abusive review and the profile
// changes. The real discord.js client against the fake Discord.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeUserInput, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { testClock } from '../support/market.js';
import { bodyOf, finished, int, str, user } from '../support/discord-interactions.js';

const guild = { id: '100000000000000131', name: 'Fruit market' };
const ada: FakeUserInput = { id: '313000000000000200', username: 'ada', global_name: 'Ada' };
const alice: FakeUserInput = { id: '313000000000000201', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '313000000000000202', username: 'bobby', global_name: 'Bobby' };
const carol: FakeUserInput = { id: '313000000000000203', username: 'carol', global_name: 'Carol' };

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;
const clock = testClock(); // 2026-11-21

const resolved = (who: FakeUserInput): Json => ({
  users: { [who.id]: { id: who.id, username: who.username, discriminator: '0', global_name: who.global_name ?? null, avatar: null, bot: false, flags: 0, public_flags: 0 } },
  members: { [who.id]: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', nick: null, avatar: null, flags: 0, pending: false, premium_since: null, permissions: PERMISSIONS.member } },
});
const shown = (text: unknown) => (typeof text === 'string' ? text.replace(/\\([\\*_~`|>#\-.[\]()])/g, '$1') : undefined);

/** What the member saw: whether only they see it, the embed's title and text, and its fields in order. */
async function slash(who: FakeUserInput, name: string, options: CommandOptionInput[] = [], extra: { subcommand?: string; permissions?: string; resolved?: Json } = {}) {
  const { interactionId } = fake.slashCommand({ user: who, guildId: guild.id, name, options, ...extra });
  const data = bodyOf(await fake.waitForResponse(interactionId, finished));
  const embed = ((data?.['embeds'] as Json[] | undefined) ?? [])[0] ?? {};
  return {
    ephemeral: (Number(data?.['flags'] ?? 0) & 64) === 64,
    title: shown(embed['title']),
    text: shown(embed['description']),
    fields: ((embed['fields'] as Array<{ name: string; value: string }> | undefined) ?? []).map((f) => `${shown(f.name)}: ${shown(f.value)}`),
  };
}
const admin = (subcommand: string, options: CommandOptionInput[], member?: FakeUserInput) =>
  slash(ada, 'admin', options, { subcommand, permissions: PERMISSIONS.admin, ...(member ? { resolved: resolved(member) } : {}) });
const profile = (asker: FakeUserInput, of?: FakeUserInput) => slash(asker, 'profile', of ? [user('member', of)] : [], of ? { resolved: resolved(of) } : {});

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore(clock);
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log: pino({ level: 'silent' }) });
  await discord.start();
  for (const item of ['apple', 'orange']) await admin('item-add', [str('name', item)]);
  await admin('grant', [user('member', alice), str('items', '10 apple')], alice);
  await admin('grant', [user('member', bobby), str('items', '10 orange')], bobby);
  await admin('grant', [user('member', carol), str('items', '10 orange')], carol);
  // Trade #1 with Bobby, who rates Alice 1 star with an insult; trade #2 with Carol, 4 stars.
  await slash(alice, 'post', [str('give', '1 apple'), str('want', '1 orange')]);
  await slash(bobby, 'accept', [int('offer', 1)]);
  await slash(alice, 'post', [str('give', '1 apple'), str('want', '1 orange')]);
  await slash(carol, 'accept', [int('offer', 2)]);
  await slash(bobby, 'rate', [int('trade', 1), int('stars', 1), str('comment', 'you are a thief')]);
  clock.advance(24 * 3_600_000);
  await slash(carol, 'rate', [int('trade', 2), int('stars', 4), str('comment', 'fair and quick')]);
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('reputation on Discord', () => {
  it('shows the score with its partners, the trades, member since and the latest reviews, only to the asker', async () => {
    // (5 x 3 + 1 + 4) / (5 + 2) = 2.86
    expect(await profile(carol, alice)).toEqual({
      ephemeral: true,
      title: 'Alice',
      text: undefined,
      fields: [
        'Reputation: 2.9 / 5 from 2 partners',
        'Completed trades: 2',
        'In the market since: 2026-11-21',
        '★★★★☆ from Carol, 2026-11-22 (trade #2): fair and quick',
        '★☆☆☆☆ from Bobby, 2026-11-21 (trade #1): you are a thief',
      ],
    });
    expect((await profile(ada)).fields).toEqual(expect.arrayContaining(['Reputation: not rated yet', 'Completed trades: 0', 'Latest reviews: none yet']));
  });

  it("shows the owner's reputation on the offer card and on the market line", async () => {
    expect((await slash(alice, 'post', [str('give', '1 apple'), str('want', '1 orange')])).fields.slice(0, 2)).toEqual(['From: Alice', 'Reputation: 2.9 / 5 from 2 partners']);
    expect((await slash(carol, 'market')).text).toContain('#3 Alice: gives 1 apple, wants 1 orange · ★ 2.9 (2 partners)');
    expect((await slash(alice, 'cancel', [int('offer', 3)])).text).toContain('Offer #3 is cancelled');
  });

  it('lets an admin hide the insult: it leaves the score and the profile; unhiding brings it back', async () => {
    const refused = await slash(bobby, 'admin', [int('trade', 1)], { subcommand: 'review-hide', permissions: PERMISSIONS.member });
    expect(refused).toMatchObject({ ephemeral: true, text: 'Only members with the Manage Server permission can do that.' });
    expect(await admin('review-hide', [int('trade', 1), user('author', carol)], carol)).toMatchObject({
      ephemeral: true,
      text: 'Carol wrote no review on trade #1; check the trade number and the author.',
    });
    const hidden = await admin('review-hide', [int('trade', 1), user('author', bobby), str('reason', 'insult')], bobby);
    expect(hidden).toMatchObject({
      ephemeral: true,
      text: "Bobby's review of Alice on trade #1 is hidden: it no longer counts toward Alice's reputation. /admin review-unhide 1 brings it back.",
    });
    // (5 x 3 + 4) / (5 + 1) = 3.17
    expect((await profile(alice)).fields).toEqual([
      'Reputation: 3.2 / 5 from 1 partner',
      'Completed trades: 2',
      'In the market since: 2026-11-21',
      '★★★★☆ from Carol, 2026-11-22 (trade #2): fair and quick',
    ]);
    expect(await admin('review-hide', [int('trade', 1)])).toMatchObject({ text: 'The review by Bobby on trade #1 is already hidden; /admin review-unhide 1 brings it back.' });
    expect(await admin('review-unhide', [int('trade', 1)])).toMatchObject({ text: "Bobby's review of Alice on trade #1 counts again." });
    expect((await profile(alice)).fields[0]).toBe('Reputation: 2.9 / 5 from 2 partners');

    // The moderation log keeps both actions, with the author as the member acted on.
    const log = await admin('log', [user('member', bobby)], bobby);
    expect(JSON.stringify(log)).toMatch(/brought back Bobby's review of trade #1.*hid Bobby's review of trade #1 — why: insult/);
  });

  it('refuses a rating from a banned member with one sentence only they see, changing nothing', async () => {
    await admin('ban', [user('member', carol), str('reason', 'fake reviews')], carol);
    expect(await slash(carol, 'rate', [int('trade', 2), int('stars', 1)])).toMatchObject({
      ephemeral: true,
      text: 'You are banned from this market (fake reviews), so you cannot rate trades; ask an admin if you think this is a mistake.',
    });
    expect((await profile(alice)).fields[0]).toBe('Reputation: 2.9 / 5 from 2 partners');

    // The moderation log keeps both actions, with the author as the member acted on.
    const log = await admin('log', [user('member', bobby)], bobby);
    expect(JSON.stringify(log)).toMatch(/brought back Bobby's review of trade #1.*hid Bobby's review of trade #1 — why: insult/);
  });
});
