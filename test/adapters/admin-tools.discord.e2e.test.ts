// Issue 13, the admins' tools, on Discord: the real discord.js client logged in to a fake Discord on
// 127.0.0.1. An admin acts with /admin slash commands, then reads it in /admin log (ephemeral),
// paged with buttons that update the list in place; /admin audit answers OK; a member is refused.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeMessage, type FakeUserInput, type InteractionResponse, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { resolved } from '../support/discord-interactions.js';
import { str, user } from '../support/discord-interactions.js';

const guild = { id: '100000000000000130', name: 'Moderated market' };
const ada: FakeUserInput = { id: '390000000000000130', username: 'ada_admin', global_name: 'Ada' };
const alice: FakeUserInput = { id: '390000000000000131', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '390000000000000132', username: 'bobby', global_name: 'Bobby' };

const NEXT = 'Next ▶';
const PREVIOUS = '◀ Previous';

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;

const channel = () => fake.guilds[0]!.channelId;
/** A log line without its time stamp, which is the test's clock. */
const action = (line: string) => line.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC · /, '');

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

/** Runs `/admin SUBCOMMAND` as `who` (an admin unless told otherwise); returns the message it answered with. */
async function admin(subcommand: string, options: CommandOptionInput[] = [], who = ada, permissions = PERMISSIONS.admin): Promise<FakeMessage> {
  // Discord sends the members a command names along with it.
  const named = [alice, bobby].filter((member) => options.some((option) => option.type === 6 && option.value === member.id));
  const { interactionId } = fake.slashCommand({ user: who, name: 'admin', subcommand, options, permissions, ...(named.length ? { resolved: resolved(...named) } : {}) });
  await fake.waitForResponse(interactionId, finished);
  const message = fake.original(interactionId);
  if (!message) throw new Error(`/admin ${subcommand} answered with no message`);
  if (seen(message as Json).buttons.length) {
    await vi.waitFor(() => expect(store.core.cardAt({ platform: 'discord', chatId: message.channel_id, messageId: message.id })).toBeDefined());
  }
  return message;
}
async function press(message: FakeMessage, customId: string) {
  const { interactionId } = fake.pressButton({ user: ada, message: current(message), customId, permissions: PERMISSIONS.admin });
  await fake.waitForResponse(interactionId, finished);
  return fake.responses(interactionId);
}
const buttonOf = (message: FakeMessage, label: string) => seen(current(message) as Json).buttons.find((b) => b.label === label)?.customId;

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore();
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log: pino({ level: 'silent' }) });
  await discord.start();
  await admin('item-add', [str('name', 'apple'), str('emoji', '🍎')]);
  await admin('item-add', [str('name', 'orange')]);
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('Discord: the admins’ tools', () => {
  it('shows an admin’s actions in /admin log, newest first, ephemeral, paged by updating the list', async () => {
    await admin('grant', [user('member', alice), str('items', '5 apple')]);
    await admin('ban', [user('member', bobby), str('reason', 'spamming the server')]);
    for (let i = 1; i <= 9; i += 1) await admin('grant', [user('member', alice), str('items', `${i} orange`)]);

    const log = await admin('log');
    const first = seen(log as Json);
    expect(first).toMatchObject({ ephemeral: true, title: 'Moderation log', buttons: [{ label: NEXT, customId: expect.stringMatching(/^admin log page after-\d+$/) }] });
    expect(first.lines.map(action).slice(0, 2)).toEqual(['Ada granted Alice 9 orange', 'Ada granted Alice 8 orange']);
    expect(first.lines.map(action).at(-1)).toBe('Ada banned Bobby — why: spamming the server');

    const responses = await press(log, buttonOf(log, NEXT)!);
    expect(responses.map((r) => (r.kind === 'callback' ? `callback:${r.type}` : r.kind))).toEqual(['callback:7']);
    expect(seen(current(log) as Json).lines.map(action)).toEqual(['Ada granted Alice 5 apple', 'Ada added "orange" to the catalog', 'Ada added "apple" to the catalog']);
    await press(log, buttonOf(log, PREVIOUS)!);
    expect(seen(current(log) as Json).lines).toEqual(first.lines);

    const ofBobby = seen((await admin('log', [user('member', bobby)])) as Json);
    expect(ofBobby).toMatchObject({ title: 'Moderation log: Bobby', buttons: [] });
    expect(ofBobby.lines.map(action)).toEqual(['Ada banned Bobby — why: spamming the server']);
  });

  it('answers /admin audit with OK', async () => {
    const audit = seen((await admin('audit')) as Json);
    expect(audit).toMatchObject({ ephemeral: true, title: 'Audit' });
    expect(audit.lines).toEqual(['OK: 10 ledger rows replayed, and every one of the 2 items adds up (grants − revokes = inventories + escrow).']);
  });

  it('refuses a member', async () => {
    const refused = seen((await admin('log', [], alice, PERMISSIONS.member)) as Json);
    expect(refused.ephemeral).toBe(true);
    expect(refused.lines.join(' ')).toBe('Only members with the Manage Server permission can do that.');
  });
});
