// Notification delivery through the real discord.js client against the fake Discord: rate
// limits, server errors and members who refuse DMs. Nothing lost, nothing sent twice.
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

const deliver = async () => {
  const { due: _due, rateLimited: _rateLimited, ...pass } = await deliverOutbox({ core: store.core, deliveries: [createDiscordDelivery(bot)], log });
  return pass;
};
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
  unwrap(store.core.addItem(marketId, { name: 'apple' }));
  unwrap(store.core.addItem(marketId, { name: 'pear' }));
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

  it('retries server errors later when the client gives up, then delivers once', async () => {
    await oneWaitingNotification();
    // discord.js itself retries a 5xx three times; the fourth failure reaches the outbox.
    fake.failNext({ method: 'POST', pathIncludes: '/messages' }, 4, { status: 500, body: { message: '500: Internal Server Error', code: 0 } });
    expect(await deliver()).toEqual({ sent: 0, retried: 1, unreachable: 0, rejected: 0 });
    expect(dmTexts()).toEqual([]);
    clock.advance(5_000);
    expect(await deliver()).toEqual({ sent: 1, retried: 0, unreachable: 0, rejected: 0 });
    expect(dmTexts()).toHaveLength(1);
  }, 20_000);

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

    // They open their DMs and use the bot again: the waiting notification gets another chance.
    fake.refuseDMs(member.platformUserId, false);
    const { interactionId } = fake.slashCommand({ user: { id: member.platformUserId, username: 'mia' }, name: 'inventory' });
    await fake.waitForResponse(interactionId);
    expect(await deliver()).toEqual({ sent: 1, retried: 0, unreachable: 0, rejected: 0 });
    expect(dmTexts()).toEqual([expect.stringMatching(/^Your offer #\d+ expired\./)]);
  });
});
