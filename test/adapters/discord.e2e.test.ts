// The real discord.js client, logged in to a fake Discord on 127.0.0.1, played by one server.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { createDiscordDelivery } from '../../src/adapters/discord/delivery.js';
import {
  PERMISSIONS,
  startFakeDiscord,
  type CommandOptionInput,
  type FakeDiscord,
  type FakeMessage,
  type FakeUserInput,
  type InteractionResponse,
  type Json,
} from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { refreshCards } from '../../src/jobs/cards.js';

const guild = { id: '100000000000000077', name: 'Fruit market' };
const ada: FakeUserInput = { id: '300000000000000100', username: 'ada_admin', global_name: 'Ada' };
const alice: FakeUserInput = { id: '300000000000000101', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '300000000000000102', username: 'bobby', global_name: 'Bobby' };
const carol: FakeUserInput = { id: '300000000000000103', username: 'carol', global_name: 'Carol' };
const dave: FakeUserInput = { id: '300000000000000104', username: 'dave_d' }; // no display name: the username shows
const erin: FakeUserInput = { id: '300000000000000105', username: 'erin', global_name: 'Erin' }; // holds nothing

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;

// --- typed options, as Discord sends them
const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
const int = (name: string, value: number): CommandOptionInput => ({ name, type: 4, value });
const member = (name: string, user: FakeUserInput): CommandOptionInput => ({ name, type: 6, value: user.id });
/** `data.resolved` for USER options: the users, and their guild member objects (with an optional nickname). */
const resolvedUsers = (...users: Array<FakeUserInput & { nick?: string }>): Json => ({
  users: Object.fromEntries(
    users.map((u) => [u.id, { id: u.id, username: u.username, discriminator: '0', global_name: u.global_name ?? null, avatar: null, bot: false, flags: 0, public_flags: 0 }]),
  ),
  members: Object.fromEntries(
    users.map((u) => [
      u.id,
      { roles: [], joined_at: '2024-01-01T00:00:00.000Z', nick: u.nick ?? null, avatar: null, flags: 0, pending: false, premium_since: null, permissions: PERMISSIONS.member },
    ]),
  ),
});

/** What a member sees of a message body: its embed as displayed (markdown escapes undone), buttons, and whether only they see it. */
interface Seen {
  ephemeral: boolean;
  title: string | undefined;
  text: string | undefined;
  fields: Record<string, string>;
  buttons: string[];
  customIds: string[];
  colour: number | undefined;
}
const shown = (text: unknown) => (typeof text === 'string' ? text.replace(/\\([\\*_~`|>#\-.[\]()])/g, '$1') : undefined);
function seen(data: Json | null | undefined): Seen {
  const embed = ((data?.['embeds'] as Json[] | undefined) ?? [])[0] ?? {};
  const rows = (data?.['components'] as Array<{ components: Json[] }> | undefined) ?? [];
  const buttons = rows.flatMap((row) => row.components);
  return {
    ephemeral: (Number(data?.['flags'] ?? 0) & 64) === 64,
    title: shown(embed['title']),
    text: shown(embed['description']),
    fields: Object.fromEntries(((embed['fields'] as Array<{ name: string; value: string }> | undefined) ?? []).map((f) => [shown(f.name), shown(f.value)])),
    buttons: buttons.map((b) => String(b['label'])),
    customIds: buttons.map((b) => String(b['custom_id'])),
    colour: typeof embed['color'] === 'number' ? embed['color'] : undefined,
  };
}
const bodyOf = (r: InteractionResponse): Json | null => (r.kind === 'callback' ? r.data : r.kind === 'delete' ? null : r.data);

/** Runs a slash command and returns what the member saw (the bot answers once, directly). */
async function slash(
  user: FakeUserInput,
  name: string,
  options: CommandOptionInput[] = [],
  extra: { subcommand?: string; permissions?: string; resolved?: Json; guildId?: string | null } = {},
) {
  const { interactionId } = fake.slashCommand({ user, name, options, ...extra });
  const response = await fake.waitForResponse(interactionId);
  expect(response).toMatchObject({ kind: 'callback', type: 4 });
  return { interactionId, ...seen(bodyOf(response)) };
}
const admin = (subcommand: string, options: CommandOptionInput[], resolved?: Json) =>
  slash(ada, 'admin', options, { subcommand, permissions: PERMISSIONS.admin, ...(resolved ? { resolved } : {}) });

/** A button press is finished when the presser got their answer: a reply, or the follow-up after a card update. */
const finished = (r: InteractionResponse) => r.kind === 'followUp' || (r.kind === 'callback' && r.type === 4);
async function press(user: FakeUserInput, message: FakeMessage, customId: string) {
  const { interactionId } = fake.pressButton({ user, message, customId });
  await fake.waitForResponse(interactionId, finished);
  return pressed(interactionId);
}
/** The card update (if any) and the answer only the presser sees. */
function pressed(interactionId: string) {
  const responses = fake.responses(interactionId);
  const update = responses.find((r) => r.kind === 'callback' && r.type === 7);
  const answer = responses.find(finished);
  return { responses, card: update ? seen(bodyOf(update)) : undefined, answer: answer ? seen(bodyOf(answer)) : undefined };
}

async function postCard(user: FakeUserInput, options: CommandOptionInput[]) {
  const posted = await slash(user, 'post', options);
  const message = fake.original(posted.interactionId);
  if (!message) throw new Error('the card was not posted');
  return { posted, message };
}

async function autocomplete(user: FakeUserInput, name: string, options: CommandOptionInput[], subcommand?: string) {
  const { interactionId } = fake.autocomplete({ user, name, options, ...(subcommand ? { subcommand } : {}) });
  const response = await fake.waitForResponse(interactionId);
  expect(response).toMatchObject({ kind: 'callback', type: 8 });
  return (bodyOf(response)?.['choices'] as Array<{ name: string; value: string | number }> | undefined) ?? [];
}

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore();
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log: pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }) });
  await discord.start();
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('Discord bot end to end', () => {
  it('is ready with only the Guilds intent and knows the server', () => {
    expect(discord.isRunning()).toBe(true);
    expect(discord.client.options.intents.toArray()).toEqual(['Guilds']);
    expect(discord.client.guilds.cache.get(guild.id)?.name).toBe('Fruit market');
  });

  it('lets an admin build the catalog and grant items to members named by a USER option', async () => {
    const added = await admin('item-add', [str('name', 'apple'), str('emoji', '🍎')]);
    expect(added).toMatchObject({ ephemeral: false, text: 'Added "apple" to the catalog (written "apple" in commands).' });
    await admin('item-add', [str('name', 'orange')]);
    expect(store.core.findMarket('discord', guild.id)?.title).toBe('Fruit market');

    const granted = await admin('grant', [member('member', alice), str('items', '10 apple')], resolvedUsers(alice));
    expect(granted).toMatchObject({ ephemeral: false, text: 'Granted 10 🍎 apple to Alice.' });
    await admin('grant', [member('member', bobby), str('items', '10 orange')], resolvedUsers(bobby));
    // A server nickname is the name a member goes by.
    const toCarol = await admin('grant', [member('member', carol), str('items', '5 orange')], resolvedUsers({ ...carol, nick: 'Caro' }));
    expect(toCarol.text).toBe('Granted 5 orange to Caro.');
    // Without a display name, the username.
    expect((await admin('grant', [member('member', dave), str('items', '5 orange')], resolvedUsers(dave))).text).toBe('Granted 5 orange to dave_d.');
  });

  it('refuses /admin to a member without Manage Server, changing nothing', async () => {
    const refused = await slash(alice, 'admin', [member('member', alice), str('items', '100 apple')], { subcommand: 'grant', resolved: resolvedUsers(alice) });
    expect(refused).toMatchObject({ ephemeral: true, text: 'Only members with the Manage Server permission can do that.' });
    expect((await slash(alice, 'inventory')).fields['You hold']).toBe('10 🍎 apple');
  });

  it('posts a card, and a press on Accept swaps both inventories and updates the card', async () => {
    const { posted, message } = await postCard(alice, [str('give', '5 apple'), str('want', '3 orange'), str('note', 'ripe & *fresh*')]);
    expect(posted).toMatchObject({
      ephemeral: false,
      title: 'Offer #1',
      fields: { From: 'Alice', Gives: '5 🍎 apple', Wants: '3 orange', Note: 'ripe & *fresh*' },
      buttons: ['Accept', 'Details', 'Cancel'],
      customIds: ['accept 1', 'offer 1', 'cancel 1'],
    });
    expect(posted.text).toBe('Open');
    // The note is escaped, so Discord shows the asterisks instead of italics.
    expect(JSON.stringify(message.embeds)).toContain('ripe & \\\\*fresh\\\\*');

    const { card, answer } = await press(bobby, message, 'accept 1');
    expect(card).toMatchObject({ title: 'Offer #1', text: 'Traded\nAccepted by Bobby', buttons: [] });
    expect(answer).toMatchObject({ ephemeral: true, text: 'Done! Trade #1 with Alice (offer #1): you received 5 🍎 apple and gave 3 orange.' });
    // Everyone in the channel now sees the traded card.
    const inChannel = fake.channelMessages(fake.guilds[0]!.channelId).find((m) => m.id === message.id);
    expect(seen(inChannel as unknown as Json)).toMatchObject({ text: 'Traded\nAccepted by Bobby', buttons: [] });

    const bobbyInventory = await slash(bobby, 'inventory');
    expect(bobbyInventory).toMatchObject({ ephemeral: true, title: 'Your inventory', fields: { 'You hold': '5 🍎 apple, 7 orange' } });
    expect((await slash(alice, 'inventory')).fields['You hold']).toBe('5 🍎 apple, 3 orange');
    const history = await slash(bobby, 'trades');
    expect(history.ephemeral).toBe(true);
    expect(history.text).toMatch(/^Trade #1 \(\d{4}-\d{2}-\d{2}\) with Alice: you gave 3 orange, got 5 🍎 apple/);
  });

  it('lets exactly one of two simultaneous Accept presses win; the other is told', async () => {
    const { message } = await postCard(alice, [str('give', '2 apple'), str('want', '1 orange')]);
    const first = fake.pressButton({ user: carol, message, customId: 'accept 2' });
    const second = fake.pressButton({ user: dave, message, customId: 'accept 2' });
    await Promise.all([fake.waitForResponse(first.interactionId, finished), fake.waitForResponse(second.interactionId, finished)]);
    const outcomes = [pressed(first.interactionId), pressed(second.interactionId)];

    const winners = outcomes.filter((o) => o.answer?.text?.startsWith('Done!'));
    const losers = outcomes.filter((o) => o.answer?.text === 'Offer #2 is no longer available (it is completed). See the open offers with /market.');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(winners[0]?.card).toMatchObject({ text: expect.stringMatching(/^Traded\nAccepted by (Carol|dave_d)$/), buttons: [] });
    expect(winners[0]?.answer?.ephemeral).toBe(true);
    // The loser is answered alone, and their card shows the trade as it now stands.
    expect(losers[0]?.card).toMatchObject({ text: winners[0]?.card?.text, buttons: [] });
    expect(losers[0]?.answer).toMatchObject({ ephemeral: true });
    expect(store.core.audit().ok).toBe(true);
  });

  it('lets the owner cancel by button and get the items back; others may not', async () => {
    const { message } = await postCard(alice, [str('give', '3 apple'), str('want', '1 orange')]);
    const refused = await press(bobby, message, 'cancel 3');
    expect(refused.card).toMatchObject({ text: 'Open', buttons: ['Accept', 'Details', 'Cancel'] });
    expect(refused.answer).toMatchObject({ ephemeral: true, text: 'Only the member who posted #3 can cancel it; see your own offers with /myoffers.' });

    const done = await press(alice, message, 'cancel 3');
    expect(done.card).toMatchObject({ title: 'Offer #3', text: 'Cancelled by its owner', buttons: [] });
    expect(done.answer).toMatchObject({ ephemeral: true, text: 'Offer #3 is cancelled; 3 🍎 apple went back to your inventory.' });
    expect((await slash(alice, 'inventory')).fields['You hold']).toBe('3 🍎 apple, 4 orange');
  });

  it('shows an offer to the member alone when Details is pressed', async () => {
    const { message } = await postCard(alice, [str('give', '1 apple'), str('want', '1 orange')]);
    const details = await press(dave, message, 'offer 4');
    expect(details.card).toBeUndefined();
    expect(details.answer).toMatchObject({ ephemeral: true, title: 'Offer #4', text: 'Open', buttons: ['Accept', 'Details', 'Cancel'] });
    const market = await slash(dave, 'market');
    expect(market).toMatchObject({ ephemeral: false, title: 'Open offers' });
    expect(market.text).toContain('#4 Alice: gives 1 🍎 apple, wants 1 orange');
  });

  it('takes both ratings once and refuses a second', async () => {
    const rated = await slash(bobby, 'rate', [int('trade', 1), int('stars', 5), str('comment', 'smooth trade')]);
    expect(rated).toMatchObject({ ephemeral: true, text: 'You gave Alice ★★★★★ for trade #1. Thank you!' });
    expect((await slash(alice, 'rate', [int('trade', 1), int('stars', 4)])).text).toBe('You gave Bobby ★★★★☆ for trade #1. Thank you!');
    expect(await slash(bobby, 'rate', [int('trade', 1), int('stars', 1)])).toMatchObject({ ephemeral: true, text: 'You have already rated trade #1; each side rates once. See your other trades with /trades.' });
    // One 5-star rating from one partner: (5 x 3 + 5) / 6, near the neutral prior.
    expect((await slash(alice, 'profile')).fields['Reputation']).toBe('3.3 / 5 from 1 partner');
    const other = await slash(alice, 'profile', [member('member', bobby)], { resolved: resolvedUsers(bobby) });
    expect(other).toMatchObject({ ephemeral: true, title: 'Bobby', fields: { Reputation: '3.2 / 5 from 1 partner' } });
  });

  it.each([
    ['post', [str('give', '100 apple'), str('want', '1 orange')], 'You need 100 more apple (you have 0).'],
    ['post', [str('give', '1 apple')], 'Missing "want". Usage: /post give: want: [hours:] [to:] [note:]'],
    ['post', [str('give', '1 banana'), str('want', '1 orange')], 'There is no item called "banana" here. See the catalog with /catalog or ask an admin to add it.'],
    ['post', [str('give', '1 apple'), str('want', '1 orange'), int('hours', 0)], '"hours" must be a whole number from 1 to 720.'],
    ['post', [str('give', '1 apple'), str('want', '1 orange'), member('to', erin)], 'You cannot direct an offer at yourself; leave out "to" to offer it to everyone.'],
    ['post', [str('give', '0 apple'), str('want', '1 orange')], '"0 apple": the quantity must be at least 1.'],
    ['accept', [int('offer', 99)], 'There is no offer #99 in this market. See the open offers with /market.'],
    ['accept', [int('offer', 1)], 'Offer #1 is no longer available (it is completed). See the open offers with /market.'],
    ['cancel', [int('offer', 2)], 'Only the member who posted #2 can cancel it; see your own offers with /myoffers.'],
    ['rate', [int('trade', 2), int('stars', 5)], 'You were not part of trade #2. See your own trades with /trades.'],
    ['rate', [int('trade', 1), int('stars', 6)], '"stars" must be a whole number from 1 to 5.'],
  ] as Array<[string, CommandOptionInput[], string]>)('answers /%s %j with one sentence only the member sees', async (name, options, sentence) => {
    const answer = await slash(erin, name, options, { resolved: resolvedUsers(erin) });
    expect(answer).toMatchObject({ ephemeral: true, text: sentence, title: undefined, buttons: [] });
    expect(fake.responses(answer.interactionId)).toHaveLength(1);
  });

  it('completes item lists from the catalog and the inventory, keeping the earlier entries', async () => {
    expect(await autocomplete(alice, 'post', [str('give', '1 a'), { ...str('want', '3 or'), focused: true }])).toEqual([
      { name: '3 orange', value: '3 orange' },
    ]);
    expect(await autocomplete(alice, 'post', [{ ...str('want', '5 apple, 2x o'), focused: true }])).toEqual([{ name: '5 apple, 2 orange', value: '5 apple, 2 orange' }]);
    // Alice holds 2 apple and 4 orange now (1 apple sits in offer #4).
    expect(await autocomplete(alice, 'post', [{ ...str('give', ''), focused: true }])).toEqual([
      { name: 'apple (you have 2)', value: 'apple' },
      { name: 'orange (you have 4)', value: 'orange' },
    ]);
    expect(await autocomplete(alice, 'post', [{ ...str('give', '1 orange, 2 ap'), focused: true }])).toEqual([
      { name: '1 orange, 2 apple (you have 2)', value: '1 orange, 2 apple' },
    ]);
    // Admin subcommands complete too.
    expect(await autocomplete(ada, 'admin', [member('member', alice), { ...str('items', 'app'), focused: true }], 'grant')).toEqual([{ name: 'apple', value: 'apple' }]);
    // Someone the bot has never seen holds nothing.
    expect(await autocomplete({ id: '300000000000000199', username: 'newcomer' }, 'post', [{ ...str('give', ''), focused: true }])).toEqual([]);
  });

  it('suggests the member’s own open offers to cancel, and the open offers to accept', async () => {
    expect(await autocomplete(alice, 'cancel', [{ ...int('offer', 0), value: '', focused: true }])).toEqual([{ name: '#4 1 🍎 apple for 1 orange', value: 4 }]);
    expect(await autocomplete(bobby, 'cancel', [{ ...int('offer', 0), value: '', focused: true }])).toEqual([]);
    expect(await autocomplete(dave, 'accept', [{ ...int('offer', 0), value: '4', focused: true }])).toEqual([{ name: '#4 1 🍎 apple for 1 orange', value: 4 }]);
    expect(await autocomplete(dave, 'accept', [{ ...int('offer', 0), value: '7', focused: true }])).toEqual([]);
  });

  it('sends direct messages; the outbox delivery reports a member who refuses them as unreachable', async () => {
    const reply = { text: 'Your offer #4 expired. 1 🍎 apple went back to your inventory.', visibility: 'private', tone: 'info' } as const;
    await discord.sendDirectMessage(alice.id, reply);
    expect(fake.dms(alice.id).map((m) => seen(m as unknown as Json).text)).toEqual([reply.text]);

    fake.refuseDMs(erin.id);
    await expect(discord.sendDirectMessage(erin.id, reply)).rejects.toMatchObject({ code: 50007 });
    expect(fake.dms(erin.id)).toEqual([]);

    // The same, as the outbox jobs see it.
    const delivery = createDiscordDelivery(discord);
    const note = (text: string) => ({ text, visibility: 'private', tone: 'info' }) as const;
    await expect(delivery.sendDirect(bobby.id, note('Alice accepted your offer #9.'))).resolves.toMatchObject({ ok: true, sent: { platform: 'discord' } });
    expect(fake.dms(bobby.id).map((m) => seen(m as unknown as Json).text)).toEqual(['Alice accepted your offer #9.']);
    await expect(delivery.sendDirect(erin.id, note('hello'))).resolves.toMatchObject({ ok: false, kind: 'unreachable' });
  });

  it('answers presses of unknown buttons and commands used outside a server with a sentence', async () => {
    const { message } = await postCard(bobby, [str('give', '1 orange'), str('want', '1 apple')]);
    const stale = await press(alice, message, 'frobnicate 5');
    expect(stale.answer).toMatchObject({ ephemeral: true, text: 'This button no longer works; type the command instead (/help lists them).' });
    const inDm = await slash(alice, 'inventory', [], { guildId: null });
    expect(inDm).toMatchObject({ ephemeral: true, text: 'I work inside a server: use my commands in a channel of the server whose market you mean.' });
  });

  it('logs a failure and answers with a short sentence, then keeps working', async () => {
    const failing = vi.spyOn(store.core, 'acceptOffer').mockImplementationOnce(() => {
      throw new Error('disk I/O error');
    });
    try {
      const { message } = await postCard(alice, [str('give', '1 apple'), str('want', '1 orange')]);
      const broken = await press(dave, message, 'accept 6');
      expect(broken.card).toBeUndefined();
      expect(broken.answer).toMatchObject({ ephemeral: true, text: 'Something went wrong on my side. Check /myoffers or /inventory before trying again in a moment.' });
      const retried = await press(dave, message, 'accept 6');
      expect(retried.answer?.text).toMatch(/^Done! Trade #\d+ with Alice \(offer #6\)/);
    } finally {
      failing.mockRestore();
    }
    expect(store.core.audit().ok).toBe(true);
  });

  describe('cards that follow their offers', () => {
    const inChannel = (message: FakeMessage) => seen(fake.channelMessages(fake.guilds[0]!.channelId).find((m) => m.id === message.id) as unknown as Json);
    const offerOf = (posted: { title: string | undefined }) => Number(/#(\d+)/.exec(posted.title ?? '')?.[1]);

    it('updates the public card when the offer is accepted by slash command', async () => {
      await admin('grant', [member('member', alice), str('items', '1 apple')], resolvedUsers(alice));
      const { posted, message } = await postCard(alice, [str('give', '1 apple'), str('want', '1 orange')]);
      expect((await slash(bobby, 'accept', [int('offer', offerOf(posted))])).text).toMatch(/^Done!/);
      await vi.waitFor(() => expect(inChannel(message)).toMatchObject({ text: 'Traded\nAccepted by Bobby', buttons: [] }));
    });

    it('updates the public card when the offer is accepted from the private Details copy', async () => {
      await admin('grant', [member('member', alice), str('items', '1 apple')], resolvedUsers(alice));
      const { posted, message } = await postCard(alice, [str('give', '1 apple'), str('want', '1 orange')]);
      const details = fake.pressButton({ user: bobby, message, customId: `offer ${offerOf(posted)}` });
      await fake.waitForResponse(details.interactionId, finished);
      const copy = fake.original(details.interactionId);
      if (!copy) throw new Error('no Details copy');
      const accepted = await press(bobby, copy, `accept ${offerOf(posted)}`);
      expect(accepted.answer?.text).toMatch(/^Done!/);
      await vi.waitFor(() => expect(inChannel(message)).toMatchObject({ text: 'Traded\nAccepted by Bobby', buttons: [] }));
    });

    it('shows an expiry on the card once the sweep has run, without anyone pressing it', async () => {
      await admin('grant', [member('member', alice), str('items', '1 apple')], resolvedUsers(alice));
      const { posted, message } = await postCard(alice, [str('give', '1 apple'), str('want', '1 orange')]);
      // Time passes: the offer is due.
      store.db.sqlite.prepare('UPDATE offers SET expires_at = ? WHERE id = ?').run(Date.now() - 1, offerOf(posted));
      store.core.expireDueOffers();
      // The card job's passes (the bot records the card just after its reply went out).
      await vi.waitFor(async () => {
        await refreshCards({ core: store.core, editor: discord.cardEditor, log: pino({ level: 'silent' }) });
        expect(inChannel(message)).toMatchObject({ text: 'Expired', buttons: [] });
      });
      expect(store.core.staleCards('discord')).toEqual([]);
    });
  });
});
