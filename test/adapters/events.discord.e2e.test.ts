// Issue 12, math-trade events, on Discord: the real discord.js client against the fake Discord. An
// admin opens an event in a channel, three members enter and rank entries, the list pages with
// its buttons, the export comes as a file attachment, and the close trades a loop: every
// participant gets a DM (Rate buttons, or that nothing matched) and the channel gets the summary.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { createDiscordDelivery } from '../../src/adapters/discord/delivery.js';
import { parseWantList } from '../../src/core/mathtrade/parse.js';
import { solveMathTrade } from '../../src/core/mathtrade/solve.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeMessage, type FakeUserInput, type InteractionResponse, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { checkInvariants } from '../support/invariants.js';
import { embedOf, int, str, user } from '../support/discord-interactions.js';

const guild = { id: '100000000000000072', name: 'Event market' };
const ada: FakeUserInput = { id: '372000000000000100', username: 'ada_admin', global_name: 'Ada' };
const alice: FakeUserInput = { id: '372000000000000101', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '372000000000000102', username: 'bobby', global_name: 'Bobby' };
const carol: FakeUserInput = { id: '372000000000000103', username: 'carol', global_name: 'Carol' };

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;
const log = pino({ level: 'silent' });

const resolved = (who: FakeUserInput): Json => ({
  users: { [who.id]: { id: who.id, username: who.username, discriminator: '0', global_name: who.global_name ?? null, avatar: null, bot: false, flags: 0, public_flags: 0 } },
  members: { [who.id]: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', nick: null, avatar: null, flags: 0, pending: false, premium_since: null, permissions: PERMISSIONS.member } },
});
const shown = (text: unknown) => (typeof text === 'string' ? text.replace(/\\([\\*_~`|>#\-.[\]()])/g, '$1') : '');
const buttonsOf = (data: Json | null | undefined) =>
  ((data?.['components'] as Array<{ components: Json[] }> | undefined) ?? []).flatMap((row) => row.components).map((b) => ({ label: String(b['label']), customId: String(b['custom_id']) }));
const finished = (r: InteractionResponse) => r.kind === 'followUp' || (r.kind === 'callback' && (r.type === 4 || r.type === 7));
const channel = () => fake.guilds[0]!.channelId;

async function event(who: FakeUserInput, options: CommandOptionInput[], permissions = PERMISSIONS.member) {
  const { interactionId } = fake.slashCommand({ user: who, name: 'event', options, permissions });
  const response = await fake.waitForResponse(interactionId, finished);
  const data = response.kind === 'delete' ? null : response.data;
  return { interactionId, text: shown(embedOf(data)['description']), title: shown(embedOf(data)['title']), data };
}
async function enter(who: FakeUserInput, items: string): Promise<number> {
  const { text } = await event(who, [str('action', 'add'), str('details', items)]);
  const entry = Number(/Entry #(\d+)/.exec(text)?.[1]);
  expect(entry, text).toBeGreaterThan(0);
  return entry;
}
const holdings = async (who: FakeUserInput) => {
  const { interactionId } = fake.slashCommand({ user: who, name: 'inventory', options: [] });
  const response = await fake.waitForResponse(interactionId, finished);
  const fields = (embedOf(response.kind === 'delete' ? null : response.data)['fields'] as Array<{ name: string; value: string }> | undefined) ?? [];
  return fields.find((field) => field.name === 'You hold')?.value;
};

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore();
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log });
  await discord.start();
  const admin = (subcommand: string, options: CommandOptionInput[], who?: FakeUserInput) =>
    fake.waitForResponse(fake.slashCommand({ user: ada, name: 'admin', options, subcommand, permissions: PERMISSIONS.admin, ...(who ? { resolved: resolved(who) } : {}) }).interactionId, finished);
  for (const item of ['apple', 'orange', 'pear']) await admin('item-add', [str('name', item)]);
  await admin('grant', [user('member', alice), str('items', '20 apple')], alice);
  await admin('grant', [user('member', bobby), str('items', '5 orange')], bobby);
  await admin('grant', [user('member', carol), str('items', '5 pear')], carol);
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('a math-trade event in a Discord server', () => {
  it('runs from open to close: entries escrowed, list paged, export attached, loop traded, everyone told', async () => {
    expect((await event(alice, [str('action', 'open'), str('details', 'Sneaky')])).text).toBe('Only an admin of this market can open or close an event.');
    const opened = await event(ada, [str('action', 'open'), str('details', 'Autumn swap'), int('hours', 24)], PERMISSIONS.admin);
    expect(opened.text).toMatch(/^The math-trade event "Autumn swap" is open until .* UTC\./);

    const a = await enter(alice, '2 apple');
    const b = await enter(bobby, '1 orange');
    const c = await enter(carol, '1 pear');
    for (let i = 0; i < 10; i += 1) await enter(alice, '1 apple');
    expect(await holdings(alice)).toBe('8 apple');

    expect((await event(alice, [str('action', 'wants'), str('details', `${a} orange`)])).text).toBe(`For entry #${a} you would take, best first: orange.`);
    await event(bobby, [str('action', 'wants'), str('details', `${b} ${c}`)]);
    await event(carol, [str('action', 'wants'), str('details', `${c} ${a}`)]);
    expect((await event(carol, [str('action', 'withdraw'), str('details', String(a))])).text).toBe(`Entry #${a} is someone else's; your own entries are listed by /event.`);

    // /event alone: the member's entries and wants, to them alone.
    const overview = await event(alice, []);
    expect(overview.title).toBe('Math-trade event: Autumn swap');
    expect(overview.text).toContain(`#${a} 2 apple (open): would take orange`);

    // The public list pages with its Next button, in place.
    const listed = await event(bobby, [str('action', 'list')]);
    const message = fake.original(listed.interactionId) as FakeMessage;
    expect(listed.text).toContain(`#${a} Alice: 2 apple`);
    const next = buttonsOf(listed.data).find((button) => button.label.includes('Next'));
    expect(next?.customId).toMatch(/^event list page after-\d+$/);
    await vi.waitFor(() => expect(store.core.cardAt({ platform: 'discord', chatId: message.channel_id, messageId: message.id })).toBeDefined());
    const pressed = fake.pressButton({ user: carol, message: fake.channelMessages(channel()).find((m) => m.id === message.id)!, customId: next!.customId });
    await fake.waitForResponse(pressed.interactionId, finished);
    await vi.waitFor(() => expect(shown(embedOf(fake.channelMessages(channel()).find((m) => m.id === message.id) as unknown as Json)['description'])).not.toContain(`#${a} Alice: 2 apple`));

    // The export is a file attachment of the answer, and solves as the close will.
    const before = fake.requests.length;
    const exported = await event(alice, [str('action', 'export')]);
    expect(exported.text).toBe('The want list of "Autumn swap" (13 entries) in TradeMaximizer\'s format is attached.');
    const upload = fake.requests.slice(before).flatMap((request) => request.files).find((file) => file.filename.endsWith('.txt'));
    expect(upload?.filename).toBe('Autumn-swap-want-list.txt');
    const parsed = parseWantList(upload?.text ?? '');
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect((await solveMathTrade(parsed.wantList.entries)).figures.itemsTraded).toBe(3);

    const closed = await event(ada, [str('action', 'close')], PERMISSIONS.admin);
    expect(closed.text).toBe('The event "Autumn swap" is closed: 3 entries traded among 3 members in 1 loops. Everyone gets a direct message with their result.');
    expect(await holdings(alice)).toBe('18 apple, 1 orange');
    expect(await holdings(carol)).toBe('2 apple, 4 pear');

    const counts = new Map([alice, bobby, carol].map((who) => [who.id, fake.dms(who.id).length]));
    const inChannel = fake.channelMessages(channel()).length;
    await drainOutbox({ core: store.core, deliveries: [createDiscordDelivery(discord)], log });
    const dms = (who: FakeUserInput) => fake.dms(who.id).slice(counts.get(who.id));
    const aliceTraded = dms(alice).find((m) => shown(embedOf(m as unknown as Json)['description']).includes(`your entry #${a}`));
    expect(shown(embedOf(aliceTraded as unknown as Json)['description'])).toMatch(/goes to Carol, and you receive 1 orange from Bobby \(trade #\d+\)\. Rate Bobby:$/);
    const tradeFromBobby = Number(/trade #(\d+)/.exec(shown(embedOf(aliceTraded as unknown as Json)['description']))?.[1]);
    expect(buttonsOf(aliceTraded as unknown as Json).map((button) => button.customId)).toContain(`rate ${tradeFromBobby} 5`);
    expect(dms(alice).filter((m) => shown(embedOf(m as unknown as Json)['description']).includes('nothing matched'))).toHaveLength(10);
    expect(dms(bobby)).toHaveLength(1);
    const summary = fake.channelMessages(channel()).slice(inChannel).map((m) => shown(embedOf(m as unknown as Json)['description']));
    expect(summary).toEqual(['The math-trade event "Autumn swap" is closed: 3 of 13 entries traded, 3 members trading, 1 loops. Everyone has their result by direct message.']);
    checkInvariants(store);
  });
});
