// Issue 9, hole 7, on Discord: long lists are paged with buttons. The real discord.js client logged
// in to a fake Discord on 127.0.0.1: a press on Next updates the list message itself (public, or
// ephemeral for the member's own lists), every entry is reachable, and a page custom id forged
// onto another message changes nothing.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import type { MemberRef } from '../../src/core/types.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeMessage, type FakeUserInput, type InteractionResponse, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { tradeState } from '../support/db-snapshot.js';
import { items, unwrap } from '../support/market.js';

const guild = { id: '100000000000000090', name: 'Big market' };
const ada: FakeUserInput = { id: '390000000000000100', username: 'ada_admin', global_name: 'Ada' };
const alice: FakeUserInput = { id: '390000000000000101', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '390000000000000102', username: 'bobby', global_name: 'Bobby' };

const NEXT = 'Next ▶';
const PREVIOUS = '◀ Previous';

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;

const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
const marketId = () => store.core.findMarket('discord', guild.id)!.id;
const member = (who: FakeUserInput): MemberRef => store.core.findMember(marketId(), who.id)!;
const channel = () => fake.guilds[0]!.channelId;

/** What a member sees of a message: its embed (markdown escapes undone), its buttons, and whether only they see it. */
function seen(data: Json | null | undefined) {
  const embed = ((data?.['embeds'] as Json[] | undefined) ?? [])[0] ?? {};
  const rows = (data?.['components'] as Array<{ components: Json[] }> | undefined) ?? [];
  const shown = (text: unknown) => (typeof text === 'string' ? text.replace(/\\([\\*_~`|>#\-.[\]()])/g, '$1') : '');
  return {
    ephemeral: (Number(data?.['flags'] ?? 0) & 64) === 64,
    title: shown(embed['title']),
    lines: shown(embed['description']).split('\n'),
    buttons: rows.flatMap((row) => row.components).map((b) => ({ label: String(b['label']), customId: String(b['custom_id']) })),
  };
}
/** The message as it is now in the channel (Discord keeps ephemeral ones for their member). */
const current = (message: FakeMessage) => fake.channelMessages(channel()).find((m) => m.id === message.id)!;
const finished = (r: InteractionResponse) => r.kind === 'followUp' || (r.kind === 'callback' && (r.type === 4 || r.type === 7));

/** Runs a slash command; returns the message it answered with, once the bot has recorded what it shows. */
async function list(who: FakeUserInput, name: string, options: CommandOptionInput[] = []): Promise<FakeMessage> {
  const { interactionId } = fake.slashCommand({ user: who, name, options });
  await fake.waitForResponse(interactionId);
  const message = fake.original(interactionId);
  if (!message) throw new Error(`/${name} answered with no message`);
  if (seen(message as Json).buttons.length) {
    await vi.waitFor(() => expect(store.core.cardAt({ platform: 'discord', chatId: message.channel_id, messageId: message.id })).toBeDefined());
  }
  return message;
}
/** Presses a button on a message; returns the bot's answers to that press. */
async function press(who: FakeUserInput, message: FakeMessage, customId: string) {
  const { interactionId } = fake.pressButton({ user: who, message: current(message), customId });
  await fake.waitForResponse(interactionId, finished);
  return fake.responses(interactionId);
}
const buttonOf = (message: FakeMessage, label: string) => seen(current(message) as Json).buttons.find((b) => b.label === label)?.customId;

/** Presses Next until there is none; each press must update that message in place and say nothing else. */
async function pageThrough(who: FakeUserInput, message: FakeMessage): Promise<string[][]> {
  const pages = [seen(current(message) as Json).lines];
  for (let next = buttonOf(message, NEXT); next; next = buttonOf(message, NEXT)) {
    const responses = await press(who, message, next);
    expect(responses.map((r) => (r.kind === 'callback' ? `callback:${r.type}` : r.kind))).toEqual(['callback:7']);
    pages.push(seen(current(message) as Json).lines);
    if (pages.length > 50) throw new Error('paging never ends');
  }
  return pages;
}
const offerNumbers = (lines: string[]) => lines.map((line) => Number(/^#(\d+)/.exec(line)?.[1]));

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore();
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log: pino({ level: 'silent' }) });
  await discord.start();
  const admin = (subcommand: string, options: CommandOptionInput[]) => {
    const { interactionId } = fake.slashCommand({ user: ada, name: 'admin', subcommand, options, permissions: PERMISSIONS.admin });
    return fake.waitForResponse(interactionId);
  };
  await admin('item-add', [str('name', 'apple'), str('emoji', '🍎')]);
  await admin('item-add', [str('name', 'orange')]);
  for (let i = 0; i < 30; i += 1) unwrap(store.core.addItem(marketId(), null, { name: `${'Marmalade jar number '.padEnd(45, 'x')} n${String(i).padStart(2, '0')}` }));
  for (const who of [alice, bobby]) await list(who, 'help');
  unwrap(store.core.grantItems(marketId(), member(ada).id, member(alice).id, items(['apple', 500])));
  unwrap(store.core.grantItems(marketId(), member(ada).id, member(bobby).id, items(['orange', 500])));
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('Discord lists paged with buttons', () => {
  it('pages a long /catalog, ephemeral, by updating its message, every item once', async () => {
    const catalog = await list(bobby, 'catalog');
    expect(seen(catalog as Json)).toMatchObject({ ephemeral: true, title: 'Catalog', buttons: [{ label: NEXT }] });
    const pages = await pageThrough(bobby, catalog);
    const all = pages.flat();
    expect(all).toHaveLength(32);
    expect(new Set(all).size).toBe(32);
    expect(all[0]).toBe('🍎 apple');
    expect(all.at(-1)).toBe('orange');
    await press(bobby, catalog, buttonOf(catalog, PREVIOUS)!);
    expect(seen(current(catalog) as Json).lines).toEqual(pages.at(-2));
  });

  it('pages a filtered /catalog with its words kept', async () => {
    const catalog = await list(bobby, 'catalog', [str('text', 'Jar X!')]);
    expect(seen(catalog as Json).title).toBe('Catalog: "jar x"');
    const pages = await pageThrough(bobby, catalog);
    expect(pages.map((page) => page.length)).toEqual([10, 10, 10]);
    expect(pages.flat()).toEqual(Array.from({ length: 30 }, (_, i) => expect.stringMatching(new RegExp(`n${String(i).padStart(2, '0')}$`))));
  });

  it('pages /market, public, and /market with an item', async () => {
    const posted = Array.from({ length: 23 }, (_, i) =>
      unwrap(store.core.postOffer({ marketId: marketId(), ownerId: member(i % 2 ? alice : bobby).id, give: items(i % 2 ? ['apple', 1] : ['orange', 1]), want: items(i % 2 ? ['orange', 1] : ['apple', 1]) })).id,
    );
    const market = await list(bobby, 'market');
    expect(seen(market as Json)).toMatchObject({ ephemeral: false, title: 'Open offers' });
    expect(offerNumbers((await pageThrough(alice, market)).flat())).toEqual([...posted].reverse());

    const filtered = await list(alice, 'market', [str('item', 'orange')]);
    expect(seen(filtered as Json).title).toBe('Offers with orange');
    expect(offerNumbers((await pageThrough(alice, filtered)).flat())).toEqual([...posted].reverse());
  });

  it('pages /myoffers and /trades, each only for its member', async () => {
    const mine = await list(alice, 'myoffers');
    expect(seen(mine as Json)).toMatchObject({ ephemeral: true, title: 'Your offers' });
    expect(offerNumbers((await pageThrough(alice, mine)).flat())).toEqual(store.core.listMyOffers(member(alice).id, { size: 25 }).entries.map((offer) => offer.id));

    for (const offer of store.core.listMyOffers(member(bobby).id, { size: 25 }).entries) {
      unwrap(store.core.acceptOffer({ marketId: marketId(), offerId: offer.id, takerId: member(alice).id }));
    }
    const trades = await list(alice, 'trades', [str('filter', 'completed')]);
    expect(seen(trades as Json)).toMatchObject({ ephemeral: true, title: 'Your trades (completed)' });
    const lines = (await pageThrough(alice, trades)).flat();
    expect(lines).toHaveLength(12);
    expect(new Set(lines.map((line) => /^Trade #(\d+)/.exec(line)?.[1])).size).toBe(12);
  });

  it('refuses a page custom id forged onto an offer card, or onto another list, changing nothing', async () => {
    const { interactionId } = fake.slashCommand({ user: alice, name: 'post', options: [str('give', '1 apple'), str('want', '1 orange')] });
    await fake.waitForResponse(interactionId);
    const card = fake.original(interactionId)!;
    await vi.waitFor(() => expect(store.core.cardAt({ platform: 'discord', chatId: card.channel_id, messageId: card.id })).toBeDefined());
    const market = await list(bobby, 'market');
    for (const [message, customId] of [
      [card, 'market page after-5'],
      [card, 'catalog page after-5'],
      [market, 'myoffers page after-5'],
      [market, 'trades'],
      [market, 'market page 2'],
    ] as const) {
      const before = { state: tradeState(store.db), shown: current(message) };
      const responses = await press(bobby, message, customId);
      expect(responses.map((r) => (r.kind === 'callback' ? `callback:${r.type}` : r.kind))).toEqual(['callback:4']);
      const answer = seen(responses[0]?.kind === 'callback' ? responses[0].data : null);
      expect(answer.ephemeral).toBe(true);
      expect(answer.lines.join('\n')).toMatch(/That button does not belong to this message|This button no longer works/);
      expect(current(message)).toEqual(before.shown);
      expect(tradeState(store.db)).toEqual(before.state);
    }
  });
});
