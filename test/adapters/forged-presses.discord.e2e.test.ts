// Button presses as an attacker sends them from a modified client: custom ids of their own, on
// cards of one server naming another server's offers. The real discord.js client against the fake.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeMessage, type FakeUserInput, type InteractionResponse, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { tradeState } from '../support/db-snapshot.js';

const quinces = { id: '100000000000000301', name: 'Quince swap' };
const rivets = { id: '100000000000000302', name: 'Rivet exchange' };
const ada: FakeUserInput = { id: '300000000000000200', username: 'ada', global_name: 'Ada' };
const quinn: FakeUserInput = { id: '300000000000000201', username: 'quinn', global_name: 'Quinn' };
const rita: FakeUserInput = { id: '300000000000000202', username: 'rita', global_name: 'Rita' };
const mallory: FakeUserInput = { id: '300000000000000203', username: 'mallory', global_name: 'Mallory' };
const bram: FakeUserInput = { id: '300000000000000204', username: 'bram', global_name: 'Bram' };

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;
const logged: Array<{ level: number; msg: string }> = [];

const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
const user = (name: string, who: FakeUserInput): CommandOptionInput => ({ name, type: 6, value: who.id });
const resolved = (who: FakeUserInput): Json => ({
  users: { [who.id]: { id: who.id, username: who.username, discriminator: '0', global_name: who.global_name ?? null, avatar: null, bot: false, flags: 0, public_flags: 0 } },
  members: { [who.id]: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', nick: null, avatar: null, flags: 0, pending: false, premium_since: null, permissions: PERMISSIONS.member } },
});
const embedOf = (data: Json | null | undefined) => ((data?.['embeds'] as Json[] | undefined) ?? [])[0] ?? {};
const offerIn = (data: Json | null | undefined) => Number(/Offer #(\d+)/.exec(String(embedOf(data)['title'] ?? ''))?.[1]);
const finished = (r: InteractionResponse) => r.kind === 'followUp' || (r.kind === 'callback' && r.type === 4);

async function slash(who: FakeUserInput, guildId: string, name: string, options: CommandOptionInput[], extra: { subcommand?: string; permissions?: string; resolved?: Json } = {}) {
  const { interactionId } = fake.slashCommand({ user: who, guildId, name, options, ...extra });
  await fake.waitForResponse(interactionId);
  return interactionId;
}
const admin = (guildId: string, subcommand: string, options: CommandOptionInput[], extra: { resolved?: Json } = {}) =>
  slash(ada, guildId, 'admin', options, { subcommand, permissions: PERMISSIONS.admin, ...extra });

/** Cards as posted: the message, its server and the offer it was sent for. */
const cards = new Map<string, { guildId: string; offer: number }>();
async function postCard(who: FakeUserInput, guildId: string, options: CommandOptionInput[]): Promise<FakeMessage> {
  const message = fake.original(await slash(who, guildId, 'post', options));
  if (!message) throw new Error('the card was not posted');
  cards.set(message.id, { guildId, offer: offerIn(message as Json) });
  // The bot records the card once Discord has answered it: wait for that, so it is part of the scene.
  await vi.waitFor(() => expect(store.core.cardAt({ platform: 'discord', chatId: message.channel_id, messageId: message.id })).toBeDefined());
  return message;
}

/** Every press and the message it was on, for the scan at the end. */
const presses = new Map<string, string>();
async function press(who: FakeUserInput, message: FakeMessage, customId: string) {
  const { interactionId } = fake.pressButton({ user: who, message, customId });
  presses.set(interactionId, message.id);
  await fake.waitForResponse(interactionId, finished);
  return fake.responses(interactionId);
}

let quinceCard: FakeMessage;
let rivetCard: FakeMessage;

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [quinces, rivets] });
  store = freshCore();
  const log = pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log });
  await discord.start();
  await admin(quinces.id, 'item-add', [str('name', 'quince')]);
  await admin(quinces.id, 'item-add', [str('name', 'pear')]);
  await admin(quinces.id, 'grant', [user('member', quinn), str('items', '10 quince')], { resolved: resolved(quinn) });
  await admin(quinces.id, 'grant', [user('member', bram), str('items', '5 pear')], { resolved: resolved(bram) });
  await admin(rivets.id, 'item-add', [str('name', 'rivet')]);
  await admin(rivets.id, 'item-add', [str('name', 'bolt')]);
  await admin(rivets.id, 'grant', [user('member', rita), str('items', '10 rivet')], { resolved: resolved(rita) });
  await admin(rivets.id, 'grant', [user('member', bram), str('items', '5 bolt')], { resolved: resolved(bram) });
  quinceCard = await postCard(quinn, quinces.id, [str('give', '2 quince'), str('want', '1 pear'), str('note', 'quinces from the orchard')]);
  rivetCard = await postCard(rita, rivets.id, [str('give', '3 rivet'), str('want', '1 bolt'), str('note', 'rivet secret: ask for Rita at the back door')]);
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

const quinceOffer = () => cards.get(quinceCard.id)!.offer;
const rivetOffer = () => cards.get(rivetCard.id)!.offer;

describe('Discord presses with forged custom ids', () => {
  it('sets the scene: two servers, one card each, on different offer numbers', () => {
    expect(quinceOffer()).toBeGreaterThan(0);
    expect(rivetOffer()).toBeGreaterThan(0);
    expect(rivetOffer()).not.toBe(quinceOffer());
  });

  it.each([
    ['another server’s offer to accept', () => `accept ${rivetOffer()}`, 'That button does not belong to this message'],
    ['another server’s offer to cancel', () => `cancel ${rivetOffer()}`, 'That button does not belong to this message'],
    ['another server’s offer to open', () => `offer ${rivetOffer()}`, 'That button does not belong to this message'],
    ['too many arguments', () => `accept ${quinceOffer()} 2 3`, 'This button no longer works'],
    ['a number with a sign', () => `accept +${quinceOffer()}`, 'This button no longer works'],
    ['an over-long custom id', () => `accept ${'9'.repeat(90)}`, 'This button no longer works'],
    ['a command that has no button', () => 'help', 'This button no longer works'],
    ['a button of another kind of record', () => `rate ${quinceOffer()} 5`, 'That button does not belong to this message'],
    ['an admin command', () => `admin ban ${quinn.id}`, 'This button no longer works'],
  ])('refuses %s on a card with a sentence only the presser sees, changing no message and nothing stored', async (_what, customId, sentence) => {
    const before = tradeState(store.db);
    const shown = fake.channelMessages(fake.guilds[0]!.channelId).find((m) => m.id === quinceCard.id);
    const responses = await press(mallory, quinceCard, customId());
    expect(responses.map((r) => r.kind === 'callback' ? `callback:${r.type}` : r.kind)).toEqual(['callback:4']);
    const answer = responses[0]?.kind === 'callback' ? responses[0].data : null;
    expect(Number(answer?.['flags'] ?? 0) & 64).toBe(64);
    expect(String(embedOf(answer)['description'])).toContain(sentence);
    expect(fake.channelMessages(fake.guilds[0]!.channelId).find((m) => m.id === quinceCard.id)).toEqual(shown);
    expect(tradeState(store.db)).toEqual(before);
  });

  it('logs at debug an interaction Discord no longer takes answers for, and says no "Something went wrong" through it', async () => {
    const since = logged.length;
    fake.failNext({ method: 'POST', pathIncludes: '/callback' }, 1, { status: 400, body: { code: 40060, message: 'Interaction has already been acknowledged.' } });
    const { interactionId } = fake.pressButton({ user: mallory, message: quinceCard, customId: `accept ${rivetOffer()}` });
    await vi.waitFor(() => expect(logged.slice(since).some((line) => line.msg === 'interaction can no longer be answered')).toBe(true));
    expect(fake.responses(interactionId)).toEqual([]);
    expect(logged.slice(since).filter((line) => line.level >= 40)).toEqual([]);
  });

  it('still takes real presses in both servers, each acting in its own', async () => {
    const quincePress = await press(bram, quinceCard, `accept ${quinceOffer()}`);
    expect(quincePress.some((r) => r.kind === 'callback' && r.type === 7)).toBe(true);
    const rivetPress = await press(bram, rivetCard, `accept ${rivetOffer()}`);
    expect(rivetPress.some((r) => r.kind === 'callback' && r.type === 7)).toBe(true);
    expect(store.core.findOffer(quinceOffer())?.status).toBe('completed');
    expect(store.core.findOffer(rivetOffer())?.status).toBe('completed');
  });

  it('never edited a message into a record other than the one it was sent for, nor into another server’s', () => {
    const edits: Array<{ messageId: string; data: Json | null }> = [];
    for (const [interactionId, messageId] of presses) {
      for (const response of fake.responses(interactionId)) {
        if ((response.kind === 'callback' && response.type === 7) || response.kind === 'edit') edits.push({ messageId, data: response.kind === 'callback' ? response.data : (response.message as Json) });
      }
    }
    for (const request of fake.requests) {
      const channelEdit = request.method === 'PATCH' && /\/channels\/\d+\/messages\/(\d+)$/.exec(request.path);
      if (channelEdit) edits.push({ messageId: channelEdit[1]!, data: request.body as Json });
    }
    expect(edits.length).toBeGreaterThan(0);
    for (const edit of edits) {
      const card = cards.get(edit.messageId);
      expect(card, `an edit of message ${edit.messageId}, which no card was posted as`).toBeDefined();
      expect(offerIn(edit.data)).toBe(card?.offer);
      expect(store.core.findOffer(card!.offer)?.marketId).toBe(store.core.findMarket('discord', card!.guildId)?.id);
    }
  });
});
