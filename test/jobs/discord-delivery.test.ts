// Notification delivery through the real discord.js client against the fake Discord: rate
// limits, server errors and members who refuse DMs. Nothing lost, nothing sent twice.
import { REST, Routes } from 'discord.js';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { createDiscordDelivery } from '../../src/adapters/discord/delivery.js';
import { deliverOutbox } from '../../src/jobs/delivery.js';
import { sweepExpiredOffers } from '../../src/jobs/expiry.js';
import type { MemberRef } from '../../src/core/types.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { HOUR, items, testClock, unwrap } from '../support/market.js';

const log = pino({ level: 'silent' });
const clock = testClock();
let fake: FakeDiscord;
let store: FreshCore;
let bot: DiscordBot;
let marketId: number;
let nextUser = 1;
let member: MemberRef;

const deliver = async (delivery = createDiscordDelivery(bot)) => {
  const { due: _due, rateLimited: _rateLimited, ...pass } = await deliverOutbox({ core: store.core, deliveries: [delivery], log });
  return pass;
};
const nothing = { sent: 0, retried: 0, unreachable: 0, rejected: 0 };
const isUnreachable = () =>
  (store.db.sqlite.prepare('SELECT unreachable_since IS NOT NULL AS unreachable FROM members WHERE id = ?').get(member.id) as { unreachable: number }).unreachable === 1;
/** A fresh member with one expired offer, so one notification is waiting for them. */
async function oneWaitingNotification() {
  member = store.core.ensureMember({ marketId, platformUserId: `70000000000000${String(nextUser++).padStart(4, '0')}`, displayName: 'Mia' });
  unwrap(store.core.grantItems(marketId, member.id, member.id, items(['apple', 2])));
  unwrap(store.core.postOffer({ marketId, ownerId: member.id, give: items(['apple', 2]), want: items(['pear', 1]), hours: 1 }));
  clock.advance(HOUR);
  expect(await sweepExpiredOffers(store.core, log)).toBe(1);
}
const dmTexts = () => fake.dms(member.platformUserId).map((m) => (m.embeds[0] as { description?: string } | undefined)?.description ?? m.content);

beforeAll(async () => {
  fake = await startFakeDiscord();
  store = freshCore(clock);
  const market = store.core.ensureMarket({ platform: 'discord', platformMarketId: fake.guilds[0]?.id ?? '1', title: 'Guild' });
  marketId = market.id;
  unwrap(store.core.addItem(marketId, null, { name: 'apple' }));
  unwrap(store.core.addItem(marketId, null, { name: 'pear' }));
  bot = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log });
  await bot.start();
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  store?.cleanup();
});
afterEach(() => {
  expect(store.core.audit().differences).toEqual([]);
});

describe('Discord delivery', () => {
  it('sends the expiry DM with exactly what came back', async () => {
    await oneWaitingNotification();
    expect(await deliver()).toEqual({ sent: 1, retried: 0, unreachable: 0, rejected: 0 });
    expect(dmTexts()).toEqual([expect.stringMatching(/^Your offer #\d+ expired\. 2 apple went back to your inventory\.$/)]);
  });

  it('waits out a 429 and delivers once', async () => {
    await oneWaitingNotification();
    fake.failNext({ method: 'POST', pathIncludes: '/messages' }, 1, {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.2, global: false },
      headers: { 'retry-after': '0.2', 'x-ratelimit-scope': 'user' },
    });
    expect(await deliver()).toEqual({ sent: 1, retried: 0, unreachable: 0, rejected: 0 });
    expect(dmTexts()).toHaveLength(1);
  });

  it('retries a server error later, then delivers once', async () => {
    await oneWaitingNotification();
    // The client does not retry on its own (a send must end inside the lease): the outbox does.
    fake.failNext({ method: 'POST', pathIncludes: '/messages' }, 1, { status: 500, body: { message: '500: Internal Server Error', code: 0 } });
    expect(await deliver()).toEqual({ sent: 0, retried: 1, unreachable: 0, rejected: 0 });
    expect(dmTexts()).toEqual([]);
    clock.advance(5_000);
    expect(await deliver()).toEqual({ sent: 1, retried: 0, unreachable: 0, rejected: 0 });
    expect(dmTexts()).toHaveLength(1);
  });

  it('records a member who refuses DMs (50007) as unreachable and keeps the notification', async () => {
    await oneWaitingNotification();
    fake.refuseDMs(member.platformUserId);
    expect(await deliver()).toEqual({ sent: 0, retried: 0, unreachable: 1, rejected: 0 });
    expect(store.db.sqlite.prepare('SELECT unreachable_since IS NOT NULL AS unreachable FROM members WHERE id = ?').get(member.id)).toEqual({ unreachable: 1 });
    expect(dmTexts()).toEqual([]);
    // The notice for the market's chat is queued, but a guild has no chat of the bot's: set aside, not retried.
    const undeliverable = store.core.outboxCounts().undeliverable ?? 0;
    expect(await deliver()).toEqual({ sent: 0, retried: 0, unreachable: 0, rejected: 1 });
    expect(store.core.outboxCounts().undeliverable).toBe(undeliverable + 1);
    clock.advance(HOUR);
    expect(await deliver()).toEqual({ sent: 0, retried: 0, unreachable: 0, rejected: 0 });

    // They use the bot again: what waited is shown to them alone, there, and counts as delivered.
    fake.refuseDMs(member.platformUserId, false);
    const { interactionId } = fake.slashCommand({ user: { id: member.platformUserId, username: 'mia' }, name: 'inventory' });
    const shown = await fake.waitForResponse(interactionId, (r) => r.kind === 'followUp');
    expect(shown.kind === 'followUp' && shown.message.flags).toBe(64);
    expect(shown.kind === 'followUp' && (shown.message.embeds[0] as { description?: string }).description).toMatch(/^Your offer #\d+ expired\./);
    await vi.waitFor(() => expect(store.core.outboxCounts().pending ?? 0).toBe(0));
    expect(await deliver()).toEqual(nothing);
    expect(dmTexts()).toEqual([]);
    // And direct messages get another try: the next notification goes by DM.
    await oneWaitingNotification();
    expect(await deliver()).toEqual({ ...nothing, sent: 1 });
    expect(dmTexts()).toEqual([expect.stringMatching(/^Your offer #\d+ expired\./)]);
  });

  it('sets aside a message Discord refuses for good (50035) and never sends it again; the member stays reachable', async () => {
    await oneWaitingNotification();
    fake.failNext({ method: 'POST', pathIncludes: '/messages' }, 1, {
      status: 400,
      body: { message: 'Invalid Form Body', code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } } },
    });
    expect(await deliver()).toEqual({ ...nothing, rejected: 1 });
    clock.advance(24 * HOUR);
    expect(await deliver()).toEqual(nothing);
    expect(dmTexts()).toEqual([]);
    expect(isUnreachable()).toBe(false);
  });

  it('records a member with no server in common with the bot (50278) as unreachable', async () => {
    await oneWaitingNotification();
    fake.failNext({ method: 'POST', pathIncludes: '/messages' }, 1, {
      status: 403,
      body: { message: 'Cannot send messages to this user due to having no mutual guilds', code: 50278 },
    });
    expect(await deliver()).toEqual({ ...nothing, unreachable: 1 });
    expect(isUnreachable()).toBe(true);
    expect(await deliver()).toEqual({ ...nothing, rejected: 1 }); // the notice: a guild has no chat of the bot's
    expect(dmTexts()).toEqual([]);
  });

  it('retries a Missing Access (50001) later instead of giving up on the member or the message', async () => {
    await oneWaitingNotification();
    fake.failNext({ method: 'POST', pathIncludes: '/messages' }, 1, { status: 403, body: { message: 'Missing Access', code: 50001 } });
    expect(await deliver()).toEqual({ ...nothing, retried: 1 });
    expect(isUnreachable()).toBe(false);
    clock.advance(5_000);
    expect(await deliver()).toEqual({ ...nothing, sent: 1 });
    expect(dmTexts()).toHaveLength(1);
  });

  it('a rate limit the client refuses to wait out is retried after its retry-after, and holds back the rest', async () => {
    // A REST client that rejects long rate limits instead of waiting (as the bot's is configured).
    const rest = new REST({ api: fake.api, rejectOnRateLimit: (limit) => limit.retryAfter > 10_000 }).setToken(fake.token);
    const delivery = createDiscordDelivery({
      async sendDirectMessage(userId, reply) {
        const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
        const sent = (await rest.post(Routes.channelMessages(channel.id), { body: { content: reply.text } })) as { id: string };
        return { id: sent.id, channelId: channel.id };
      },
      sendToChannel: () => Promise.reject(new Error('this test posts in no channel')),
    });
    await oneWaitingNotification();
    const first = member;
    await oneWaitingNotification();
    fake.failNext({ method: 'POST', pathIncludes: '/messages' }, 1, {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 30, global: false },
      headers: { 'retry-after': '30', 'x-ratelimit-scope': 'user' },
    });
    const requests = () => fake.requests.filter((request) => request.method === 'POST' && request.path.includes('/messages')).length;
    const before = requests();
    expect(await deliver(delivery)).toEqual({ ...nothing, retried: 1 });
    expect(requests() - before).toBe(1);
    clock.advance(29_000);
    expect(await deliver(delivery)).toEqual(nothing);
    clock.advance(2_000);
    expect(await deliver(delivery)).toEqual({ ...nothing, sent: 2 });
    expect(fake.dms(first.platformUserId)).toHaveLength(1);
    expect(dmTexts()).toHaveLength(1);
  });
});
