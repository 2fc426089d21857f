// The deferred path of the Discord bot: with `deferAfterMs: 0` every interaction is acknowledged
// before the command runs, as happens in production when a command is slow. Members must see the
// same answers, with the same visibility, as on the direct path.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { PERMISSIONS, startFakeDiscord, type FakeDiscord, type FakeMessage, type InteractionResponse, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';

const ada = { id: '310000000000000100', username: 'ada', global_name: 'Ada' };
const alice = { id: '310000000000000101', username: 'alice', global_name: 'Alice' };
const bobby = { id: '310000000000000102', username: 'bobby', global_name: 'Bobby' };

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;

const user = (u: typeof alice) => ({ id: u.id, username: u.username, discriminator: '0', global_name: u.global_name, avatar: null, bot: false, flags: 0 });
const resolved = (u: typeof alice): Json => ({
  users: { [u.id]: user(u) },
  members: { [u.id]: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', nick: null, flags: 0, permissions: PERMISSIONS.member } },
});
/** A summary of the responses: `callback:5:64` (type and flags), `edit`, `delete`, `followUp:64`. */
const trail = (responses: InteractionResponse[]) =>
  responses.map((r) => {
    if (r.kind === 'callback') return `callback:${r.type}${r.data && 'flags' in r.data ? `:${String(r.data['flags'])}` : ''}`;
    if (r.kind === 'followUp') return `followUp:${r.message.flags}`;
    return r.kind;
  });
const description = (message: FakeMessage | Json | undefined) => ((message?.['embeds'] as Json[] | undefined)?.[0]?.['description'] as string | undefined)?.replace(/\\(.)/g, '$1');

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [{ id: '100000000000000088', name: 'Slow market' }] });
  store = freshCore();
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log: pino({ level: 'silent' }), deferAfterMs: 0 });
  await discord.start();
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('Discord bot, deferred answers', () => {
  let card: FakeMessage;

  it('defers ephemerally, then shows a public result publicly and removes the placeholder', async () => {
    const run = async (subcommand: string, options: Array<{ name: string; type: number; value: string }>, extra: { resolved?: Json } = {}) => {
      const { interactionId } = fake.slashCommand({ user: ada, name: 'admin', subcommand, options, permissions: PERMISSIONS.admin, ...extra });
      await fake.waitForResponse(interactionId, (r) => r.kind === 'delete');
      const followUp = fake.responses(interactionId).find((r) => r.kind === 'followUp');
      return { interactionId, followUp };
    };
    const { interactionId, followUp } = await run('item-add', [{ name: 'name', type: 3, value: 'apple' }]);
    // The public answer comes before the placeholder goes: were it to fail, the placeholder could still tell the member.
    expect(trail(fake.responses(interactionId))).toEqual(['callback:5:64', 'followUp:0', 'delete']);
    expect(followUp?.kind === 'followUp' && description(followUp.message)).toBe('Added "apple" to the catalog (written "apple" in commands).');
    await run('item-add', [{ name: 'name', type: 3, value: 'orange' }]);
    await run('grant', [{ name: 'member', type: 6, value: alice.id }, { name: 'items', type: 3, value: '5 apple' }], { resolved: resolved(alice) });
    await run('grant', [{ name: 'member', type: 6, value: bobby.id }, { name: 'items', type: 3, value: '5 orange' }], { resolved: resolved(bobby) });
  });

  it('edits the ephemeral placeholder into a refusal', async () => {
    const { interactionId } = fake.slashCommand({ user: bobby, name: 'post', options: [{ name: 'give', type: 3, value: '9 orange' }, { name: 'want', type: 3, value: '1 apple' }] });
    const edit = await fake.waitForResponse(interactionId, (r) => r.kind === 'edit');
    expect(trail(fake.responses(interactionId))).toEqual(['callback:5:64', 'edit']);
    expect(edit.kind === 'edit' && edit.message.flags & 64).toBe(64);
    expect(edit.kind === 'edit' && description(edit.message)).toBe('You need 4 more orange (you have 5).');
  });

  it('posts a card with a public follow-up, and a press defers the update, edits the card and answers privately', async () => {
    const { interactionId } = fake.slashCommand({ user: alice, name: 'post', options: [{ name: 'give', type: 3, value: '2 apple' }, { name: 'want', type: 3, value: '1 orange' }] });
    const posted = await fake.waitForResponse(interactionId, (r) => r.kind === 'followUp');
    if (posted.kind !== 'followUp') throw new Error('no card');
    card = posted.message;
    expect(card.flags).toBe(0);
    expect((card.embeds[0] as Json)['title']).toBe('Offer #1');

    const press = fake.pressButton({ user: bobby, message: card, customId: 'accept 1' });
    const answer = await fake.waitForResponse(press.interactionId, (r) => r.kind === 'followUp');
    expect(trail(fake.responses(press.interactionId))).toEqual(['callback:6', 'edit', 'followUp:64']);
    expect(answer.kind === 'followUp' && description(answer.message)).toBe('Done! Trade #1 with Alice (offer #1): you received 2 apple and gave 1 orange.');
    const edited = fake.channelMessages(fake.guilds[0]!.channelId).find((m) => m.id === card.id);
    expect(description(edited)).toBe('Traded\nAccepted by Bobby');
    expect(edited?.components).toEqual([]);
  });

  it('answers a refused press privately, leaving a card that already shows its ending as it is', async () => {
    const press = fake.pressButton({ user: bobby, message: card, customId: 'cancel 1' });
    const answer = await fake.waitForResponse(press.interactionId, (r) => r.kind === 'followUp');
    expect(trail(fake.responses(press.interactionId))).toEqual(['callback:6', 'followUp:64']);
    expect(description(fake.channelMessages(fake.guilds[0]!.channelId).find((m) => m.id === card.id))).toBe('Traded\nAccepted by Bobby');
    expect(answer.kind === 'followUp' && description(answer.message)).toBe('Only the member who posted #1 can cancel it; see your own offers with /myoffers.');
  });
});
