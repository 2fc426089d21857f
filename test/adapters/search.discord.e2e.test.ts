// Issue 13, search, on Discord: the real discord.js client logged in to a fake Discord on
// 127.0.0.1. `/search` with its typed options (text, gives, wants, by, rating) answers privately
// with the best matches, and its page buttons update that message until every match was shown.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import type { MemberRef } from '../../src/core/types.js';
import { startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeMessage, type FakeUserInput, type InteractionResponse, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { resolved } from '../support/discord-interactions.js';
import { items, unwrap } from '../support/market.js';
import { int, str, user } from '../support/discord-interactions.js';

const guild = { id: '100000000000000130', name: 'Search market' };
const ada: FakeUserInput = { id: '391300000000000100', username: 'ada_admin', global_name: 'Ada' };
const alice: FakeUserInput = { id: '391300000000000101', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '391300000000000102', username: 'bobby', global_name: 'Bobby' };

const NEXT = 'Next ▶';
const PREVIOUS = '◀ Previous';

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;

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
const current = (message: FakeMessage) => fake.channelMessages(channel()).find((m) => m.id === message.id)!;
const finished = (r: InteractionResponse) => r.kind === 'followUp' || (r.kind === 'callback' && (r.type === 4 || r.type === 7));
const buttonOf = (message: FakeMessage, label: string) => seen(current(message) as Json).buttons.find((b) => b.label === label)?.customId;
const offerNumbers = (lines: string[]) => lines.flatMap((line) => /^#(\d+) /.exec(line)?.[1] ?? []).map(Number);

async function slash(who: FakeUserInput, name: string, options: CommandOptionInput[] = [], users: FakeUserInput[] = []): Promise<FakeMessage> {
  const { interactionId } = fake.slashCommand({ user: who, name, options, ...(users.length ? { resolved: resolved(...users) } : {}) });
  await fake.waitForResponse(interactionId);
  const message = fake.original(interactionId);
  if (!message) throw new Error(`/${name} answered with no message`);
  if (seen(message as Json).buttons.length) {
    await vi.waitFor(() => expect(store.core.cardAt({ platform: 'discord', chatId: message.channel_id, messageId: message.id })).toBeDefined());
  }
  return message;
}
async function press(who: FakeUserInput, message: FakeMessage, customId: string) {
  const { interactionId } = fake.pressButton({ user: who, message: current(message), customId });
  await fake.waitForResponse(interactionId, finished);
  return fake.responses(interactionId);
}

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore();
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log: pino({ level: 'silent' }) });
  await discord.start();
  for (const who of [ada, alice, bobby]) await slash(who, 'help');
  for (const name of ['Golden Apple', 'orange', 'pear']) unwrap(store.core.addItem(marketId(), null, { name }));
  unwrap(store.core.grantItems(marketId(), member(ada).id, member(alice).id, items(['golden-apple', 500], ['pear', 500])));
  unwrap(store.core.grantItems(marketId(), member(ada).id, member(bobby).id, items(['orange', 500], ['pear', 500])));
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('Discord /search', () => {
  it('finds offers by its options, and its page buttons update the message until every match was shown once', async () => {
    const post = (owner: FakeUserInput, give: string, want: string, hours: number) =>
      unwrap(store.core.postOffer({ marketId: marketId(), ownerId: member(owner).id, give: items([give, 1]), want: items([want, 1]), hours })).id;
    // Bobby takes one of Alice's offers; he rates her 5 stars, she rates him 1: she passes
    // `rating 3`, he does not.
    const first = post(alice, 'pear', 'orange', 1);
    const { trade } = unwrap(store.core.acceptOffer({ marketId: marketId(), offerId: first, takerId: member(bobby).id }));
    unwrap(store.core.rateTrade({ marketId: marketId(), tradeId: trade.id, memberId: member(bobby).id, stars: 5 }));
    unwrap(store.core.rateTrade({ marketId: marketId(), tradeId: trade.id, memberId: member(alice).id, stars: 1 }));
    const apples = Array.from({ length: 14 }, (_, i) => post(alice, 'golden-apple', 'pear', 1 + i));
    post(bobby, 'orange', 'pear', 3);

    const list = await slash(bobby, 'search', [str('text', 'golden'), str('wants', 'pear'), user('by', alice), int('rating', 3)], [alice]);
    expect(seen(list as Json)).toMatchObject({ ephemeral: true, title: 'Search: "golden", wants pear, by Alice, rated 3+', buttons: [{ label: NEXT }] });
    const pages = [offerNumbers(seen(list as Json).lines)];
    for (let next = buttonOf(list, NEXT); next; next = buttonOf(list, NEXT)) {
      const responses = await press(bobby, list, next);
      expect(responses.map((r) => (r.kind === 'callback' ? `callback:${r.type}` : r.kind))).toEqual(['callback:7']);
      pages.push(offerNumbers(seen(current(list) as Json).lines));
    }
    expect(pages.map((page) => page.length)).toEqual([10, 4]);
    expect(pages.flat()).toEqual(apples);
    await press(bobby, list, buttonOf(list, PREVIOUS)!);
    expect(offerNumbers(seen(current(list) as Json).lines)).toEqual(pages[0]);

    // Bobby's rating is too low for his offers to pass.
    const none = await slash(alice, 'search', [user('by', bobby), int('rating', 3)], [bobby]);
    expect(seen(none as Json).lines).toEqual(['No open offer matches that search. Try fewer or other words, or /market to browse them all.']);
  });
});
