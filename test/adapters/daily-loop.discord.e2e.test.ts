// Issue 9, "Holes in the daily loop", on Discord: the real discord.js client logged in to a fake
// Discord on 127.0.0.1, played by one server; direct messages go out through the real outbox delivery.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commands } from '../../commands/index.js';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { createDiscordDelivery } from '../../src/adapters/discord/delivery.js';
import { buildSlashCommands } from '../../src/adapters/discord/slash-commands.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeMessage, type FakeUserInput, type InteractionResponse, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { unwrap } from '../support/market.js';

const guild = { id: '100000000000000070', name: 'Daily market' };
const ada: FakeUserInput = { id: '370000000000000100', username: 'ada_admin', global_name: 'Ada' };
const alice: FakeUserInput = { id: '370000000000000101', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '370000000000000102', username: 'bobby', global_name: 'Bobby' };
const carol: FakeUserInput = { id: '370000000000000103', username: 'carol', global_name: 'Carol' };
const dave: FakeUserInput = { id: '370000000000000104', username: 'dave', global_name: 'Dave' };

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;
const log = pino({ level: 'silent' });

// --- typed options, as Discord sends them
const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
const int = (name: string, value: number): CommandOptionInput => ({ name, type: 4, value });
const user = (name: string, who: FakeUserInput): CommandOptionInput => ({ name, type: 6, value: who.id });
const typing = (name: string, text: string): CommandOptionInput => ({ name, type: 3, value: text, focused: true });
const resolved = (...users: FakeUserInput[]): Json => ({
  users: Object.fromEntries(users.map((u) => [u.id, { id: u.id, username: u.username, discriminator: '0', global_name: u.global_name ?? null, avatar: null, bot: false, flags: 0, public_flags: 0 }])),
  members: Object.fromEntries(
    users.map((u) => [u.id, { roles: [], joined_at: '2024-01-01T00:00:00.000Z', nick: null, avatar: null, flags: 0, pending: false, premium_since: null, permissions: PERMISSIONS.member }]),
  ),
});

/** What a member sees of a message body: its embed as displayed (markdown escapes undone), buttons, and whether only they see it. */
interface Seen {
  ephemeral: boolean;
  title: string | undefined;
  text: string | undefined;
  fields: Record<string, string>;
  buttons: string[];
}
const shown = (text: unknown) => (typeof text === 'string' ? text.replace(/\\([\\*_~`|>#\-.[\]()])/g, '$1') : undefined);
function seen(data: Json | null | undefined): Seen {
  const embed = ((data?.['embeds'] as Json[] | undefined) ?? [])[0] ?? {};
  const rows = (data?.['components'] as Array<{ components: Json[] }> | undefined) ?? [];
  return {
    ephemeral: (Number(data?.['flags'] ?? 0) & 64) === 64,
    title: shown(embed['title']),
    text: shown(embed['description']),
    fields: Object.fromEntries(((embed['fields'] as Array<{ name: string; value: string }> | undefined) ?? []).map((f) => [shown(f.name), shown(f.value)])),
    buttons: rows.flatMap((row) => row.components).map((b) => String(b['label'])),
  };
}
const bodyOf = (r: InteractionResponse): Json | null => (r.kind === 'callback' ? r.data : r.kind === 'delete' ? null : r.data);

async function slash(who: FakeUserInput, name: string, options: CommandOptionInput[] = [], extra: { subcommand?: string; permissions?: string; resolved?: Json } = {}) {
  const { interactionId } = fake.slashCommand({ user: who, name, options, ...extra });
  const response = await fake.waitForResponse(interactionId);
  expect(response).toMatchObject({ kind: 'callback', type: 4 });
  return { interactionId, ...seen(bodyOf(response)) };
}
const admin = (subcommand: string, options: CommandOptionInput[], users: FakeUserInput[] = []) =>
  slash(ada, 'admin', options, { subcommand, permissions: PERMISSIONS.admin, ...(users.length ? { resolved: resolved(...users) } : {}) });

const finished = (r: InteractionResponse) => r.kind === 'followUp' || (r.kind === 'callback' && r.type === 4);
/** Presses a button; returns the card update (if any) and the answer only the presser sees. */
async function press(who: FakeUserInput, message: FakeMessage, customId: string) {
  const { interactionId } = fake.pressButton({ user: who, message, customId });
  await fake.waitForResponse(interactionId, finished);
  const responses = fake.responses(interactionId);
  const update = responses.find((r) => r.kind === 'callback' && r.type === 7);
  const answer = responses.find(finished);
  return { card: update ? seen(bodyOf(update)) : undefined, answer: answer ? seen(bodyOf(answer)) : undefined };
}

/** Posts an offer; returns its number and its message in the channel. */
async function post(who: FakeUserInput, give: string, want: string, extra: CommandOptionInput[] = [], users: FakeUserInput[] = []) {
  const posted = await slash(who, 'post', [str('give', give), str('want', want), ...extra], users.length ? { resolved: resolved(...users) } : {});
  const offer = Number(/#(\d+)/.exec(posted.title ?? '')?.[1]);
  const message = fake.original(posted.interactionId);
  if (!offer || !message) throw new Error(`no offer was posted: ${posted.text}`);
  return { offer, message };
}
const inChannel = (message: FakeMessage) => seen(fake.channelMessages(fake.guilds[0]!.channelId).find((m) => m.id === message.id) as unknown as Json);

async function suggestions(who: FakeUserInput, name: string, options: CommandOptionInput[], subcommand?: string) {
  const { interactionId } = fake.autocomplete({ user: who, name, options, ...(subcommand ? { subcommand } : {}) });
  const response = await fake.waitForResponse(interactionId);
  const data = response.kind === 'callback' ? response.data : null;
  return ((data?.['choices'] as Array<{ name: string; value: string | number }> | undefined) ?? []).map((choice) => choice.value);
}

const memberId = (who: FakeUserInput) => store.core.findMember(store.core.findMarket('discord', guild.id)!.id, who.id)!.id;
const newestTrade = (who: FakeUserInput) => store.core.listTrades(memberId(who)).entries[0]!;

/** Runs the outbox delivery once, as the job does; returns the direct messages each member got meanwhile. */
async function deliver() {
  const counts = new Map([alice, bobby, carol, dave].map((who) => [who.id, fake.dms(who.id).length]));
  await drainOutbox({ core: store.core, deliveries: [createDiscordDelivery(discord)], log });
  return (who: FakeUserInput) => fake.dms(who.id).slice(counts.get(who.id) ?? 0).map((message) => seen(message as unknown as Json).text);
}

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore();
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log });
  await discord.start();
  await admin('item-add', [str('name', 'apple'), str('emoji', '🍎')]);
  await admin('item-add', [str('name', 'orange')]);
  await admin('item-add', [str('name', 'pear')]);
  await admin('grant', [user('member', alice), str('items', '30 apple')], [alice]);
  await admin('grant', [user('member', bobby), str('items', '20 orange')], [bobby]);
  await admin('grant', [user('member', carol), str('items', '10 orange, 5 pear')], [carol]);
  await admin('grant', [user('member', dave), str('items', '10 orange')], [dave]);
  await deliver();
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('hole 1: the trade number /rate needs is shown wherever the trade is', () => {
  it('names the trade in the accept answer, on the card, in both direct messages and in /myoffers', async () => {
    // A cancelled offer first, so offer and trade numbers differ.
    const first = await post(alice, '1 apple', '1 orange');
    await slash(alice, 'cancel', [int('offer', first.offer)]);
    const { offer, message } = await post(alice, '5 apple', '3 orange');

    const answer = await slash(bobby, 'accept', [int('offer', offer)]);
    const trade = newestTrade(bobby).id;
    expect(trade).not.toBe(offer);
    expect(answer).toMatchObject({ ephemeral: false, text: `Done! Trade #${trade} with Alice (offer #${offer}): you received 5 🍎 apple and gave 3 orange.` });
    await vi.waitFor(() => expect(inChannel(message)).toMatchObject({ text: 'Traded\nAccepted by Bobby', fields: { Trade: `#${trade}` }, buttons: [] }));

    const dms = await deliver();
    expect(dms(alice)).toEqual([`Bobby accepted your offer #${offer} (trade #${trade}): you received 3 orange for 5 🍎 apple. Rate Bobby:`]);
    expect(dms(bobby)).toEqual([`Trade #${trade} with Alice (offer #${offer}) is done: you received 5 🍎 apple and gave 3 orange. Rate Alice:`]);
    expect((await slash(alice, 'myoffers')).text).toContain(`#${offer} Traded (trade #${trade}): gives 5 🍎 apple, wants 3 orange`);
    expect((await slash(bobby, 'rate', [int('trade', trade), int('stars', 5)])).text).toBe(`You gave Alice ★★★★★ for trade #${trade}. Thank you!`);
  });

  it('names the trade when the offer is taken with the Accept button', async () => {
    const { offer, message } = await post(alice, '2 apple', '1 orange');
    const { card, answer } = await press(dave, message, `accept ${offer}`);
    const trade = newestTrade(dave).id;
    expect(answer).toMatchObject({ ephemeral: true, text: `Done! Trade #${trade} with Alice (offer #${offer}): you received 2 🍎 apple and gave 1 orange.` });
    expect(card).toMatchObject({ fields: { Trade: `#${trade}` } });
    await deliver();
  });
});

describe('hole 3: /market marks offers made to one member', () => {
  it('says whom a directed offer is for, by name, since the list is public', async () => {
    const open = await post(alice, '1 apple', '1 pear');
    const directed = await post(alice, '2 apple', '1 orange', [user('to', carol)], [carol]);
    const seenByDave = (await slash(dave, 'market')).text;
    expect(seenByDave).toContain(`#${directed.offer} Alice (for Carol): gives 2 🍎 apple, wants 1 orange`);
    expect(seenByDave).toContain(`#${open.offer} Alice: gives 1 🍎 apple, wants 1 pear`);
    expect((await slash(carol, 'market')).text).toContain(`#${directed.offer} Alice (for Carol): gives 2 🍎 apple, wants 1 orange`);
    expect((await slash(dave, 'market', [str('item', 'orange')])).text).toContain(`#${directed.offer} Alice (for Carol):`);
    // Accept suggestions leave out what the member may not take.
    expect(await suggestions(dave, 'accept', [{ ...int('offer', 0), value: '', focused: true }])).not.toContain(directed.offer);
    expect(await suggestions(carol, 'accept', [{ ...int('offer', 0), value: '', focused: true }])).toContain(directed.offer);
    await slash(alice, 'cancel', [int('offer', open.offer)]);
    await slash(alice, 'cancel', [int('offer', directed.offer)]);
  });
});

describe('hole 8 (reason): removing an offer needs a reason, as the core says', () => {
  it('registers the reason of /admin remove-offer as required, as the core requires it', () => {
    const adminCommand = buildSlashCommands(commands).find((command) => command.name === 'admin');
    const removeOffer = (adminCommand?.options ?? []).find((sub) => sub.name === 'remove-offer') as { options?: Array<{ name: string; required?: boolean }> } | undefined;
    expect(removeOffer?.options?.map((option) => [option.name, option.required])).toEqual([
      ['offer', true],
      ['reason', true],
    ]);
  });

  it('refuses a removal without a reason, changing nothing', async () => {
    const { offer } = await post(alice, '1 apple', '1 orange');
    expect(await admin('remove-offer', [int('offer', offer)])).toMatchObject({ ephemeral: true, text: 'Missing "reason". Usage: /admin remove-offer offer: reason:' });
    expect(store.core.findOffer(offer)?.status).toBe('active');
    expect((await admin('remove-offer', [int('offer', offer), str('reason', 'duplicate')])).text).toBe(`Offer #${offer} is removed and Alice has their items back.`);
    await deliver();
  });
});

describe('hole 8 (numbers): offer and trade numbers start at 1, and the answer says so', () => {
  it.each([
    ['offer', [int('offer', 0)], 'Offer numbers start at 1; see the open offers and their numbers with /market.'],
    ['accept', [int('offer', 0)], 'Offer numbers start at 1; see the open offers and their numbers with /market.'],
    ['cancel', [int('offer', -3)], 'Offer numbers start at 1; see the open offers and their numbers with /market.'],
    ['decline', [int('offer', 0)], 'Offer numbers start at 1; see the open offers and their numbers with /market.'],
    ['rate', [int('trade', 0), int('stars', 5)], 'Trade numbers start at 1; see your trades and their numbers with /trades.'],
  ] as Array<[string, CommandOptionInput[], string]>)('answers /%s %j with what is wrong', async (name, options, sentence) => {
    expect(await slash(dave, name, options)).toMatchObject({ ephemeral: true, text: sentence });
  });
});

describe('hole 8 (inventory): /inventory reads well when everything is in escrow', () => {
  it('tells a member whose items all sit in open offers that nothing else is held, not that they have none', async () => {
    const { offer } = await post(carol, '10 orange, 5 pear', '1 apple');
    const inventory = await slash(carol, 'inventory');
    expect(inventory.fields['You hold']).toMatch(/^nothing outside your open offers/);
    expect(inventory.fields['Held in your open offers']).toBe(`#${offer}: 10 orange, 5 pear`);
    await slash(carol, 'cancel', [int('offer', offer)]);
  });

  it('still tells a newcomer with nothing at all that an admin can grant items', async () => {
    const erin: FakeUserInput = { id: '370000000000000105', username: 'erin', global_name: 'Erin' };
    expect(await slash(erin, 'inventory')).toMatchObject({ ephemeral: true, title: 'Your inventory', text: 'You hold no items yet. An admin can grant some.', fields: {} });
  });
});

describe('hole 9: the owner is not told about their own cancel', () => {
  it('sends no direct message for a cancel by command or button, but still does for a removal and an expiry', async () => {
    const byCommand = await post(alice, '1 apple', '1 orange');
    expect((await slash(alice, 'cancel', [int('offer', byCommand.offer)])).text).toBe(`Offer #${byCommand.offer} is cancelled; 1 🍎 apple went back to your inventory.`);
    const byButton = await post(alice, '1 apple', '2 orange');
    expect((await press(alice, byButton.message, `cancel ${byButton.offer}`)).answer?.text).toBe(`Offer #${byButton.offer} is cancelled; 1 🍎 apple went back to your inventory.`);
    const removed = await post(alice, '2 apple', '1 orange');
    await admin('remove-offer', [int('offer', removed.offer), str('reason', 'wrong channel')]);
    const expired = await post(alice, '3 apple', '1 orange');
    store.db.sqlite.prepare('UPDATE offers SET expires_at = ? WHERE id = ?').run(Date.now() - 1, expired.offer);
    store.core.expireDueOffers();

    const dms = await deliver();
    expect(dms(alice)).toEqual([
      `An admin removed your offer #${removed.offer} (wrong channel). 2 🍎 apple went back to your inventory.`,
      `Your offer #${expired.offer} expired. 3 🍎 apple went back to your inventory.`,
    ]);
  });
});

describe('hole 10: archived items leave the catalog but not the history', () => {
  let before: number;
  let trade: number;

  it('refuses to archive an item still in play, saying who has it; once cleared, archives it and refuses it in new offers and grants', async () => {
    before = (await post(alice, '1 apple', '1 pear')).offer;
    const traded = await post(alice, '2 apple', '2 pear');
    await slash(carol, 'accept', [int('offer', traded.offer)]);
    trade = newestTrade(carol).id;

    const refused = await admin('item-archive', [str('item', 'pear')]);
    expect(refused.ephemeral).toBe(true);
    expect(refused.text).toMatch(new RegExp(`^"pear" cannot be archived while \\d+ members? holds? it \\((Alice|Carol)(, (Alice|Carol))*\\) and \\d+ open offers? names? it \\(.*#${before}.*\\): revoke it with /admin revoke and remove those offers with /admin remove-offer, then archive it again\\.$`));
    // The admin does what it says: removes the offers naming pear, takes pear back from whoever holds it.
    const marketId = store.core.findMarket('discord', guild.id)!.id;
    for (const offer of unwrap(store.core.listMarketOffers(marketId, { item: 'pear', size: 25 })).entries) {
      expect((await admin('remove-offer', [int('offer', offer.id), str('reason', 'pear leaves the catalog')])).text).toMatch(new RegExp(`^Offer #${offer.id} is removed`));
    }
    for (const who of [alice, bobby, carol, dave]) {
      const pears = store.core.getInventory(memberId(who)).holdings.find((holding) => holding.item.slug === 'pear')?.quantity;
      if (pears) expect((await admin('revoke', [user('member', who), str('items', `${pears} pear`)], [who])).text).toBe(`Took ${pears} pear from ${who.global_name}.`);
    }

    expect(await admin('item-archive', [str('item', 'pear')])).toMatchObject({
      ephemeral: false,
      text: '"pear" is archived: it can no longer be offered, wanted or granted. Past trades keep it; /admin item-unarchive pear brings it back.',
    });
    const refusal = 'pear is archived: it can no longer be offered or asked for. Pick another item from the catalog (see /catalog).';
    expect(await slash(alice, 'post', [str('give', '1 apple'), str('want', '1 pear')])).toMatchObject({ ephemeral: true, text: refusal });
    expect(await slash(carol, 'post', [str('give', '1 pear'), str('want', '1 apple')])).toMatchObject({ ephemeral: true, text: refusal });
    expect(await admin('grant', [user('member', dave), str('items', '1 pear')], [dave])).toMatchObject({
      ephemeral: true,
      text: 'pear is archived, so it cannot be granted; bring it back first with /admin item-unarchive pear.',
    });
    expect((await admin('item-archive', [str('item', 'pear')])).text).toBe('"pear" is already archived.');
    expect(store.core.audit().ok).toBe(true);
  });

  it('leaves it out of the catalog and of the suggestions for new offers and grants', async () => {
    expect(await slash(alice, 'catalog')).toMatchObject({ ephemeral: true, title: 'Catalog', text: '🍎 apple\norange' });
    expect(await suggestions(alice, 'post', [str('give', '1 apple'), typing('want', 'pe')])).toEqual([]);
    expect(await suggestions(carol, 'post', [typing('give', '')])).toEqual(['apple', 'orange']); // carol holds pear, but cannot offer it
    expect(await suggestions(ada, 'admin', [user('member', dave), typing('items', 'pe')], 'grant')).toEqual([]);
    expect(await suggestions(ada, 'admin', [typing('item', 'pe')], 'item-archive')).toEqual([]);
    // Where it still serves: taking it away, and bringing it back.
    expect(await suggestions(ada, 'admin', [user('member', alice), typing('items', 'pe')], 'revoke')).toEqual(['pear']);
    expect(await suggestions(ada, 'admin', [typing('item', '')], 'item-unarchive')).toEqual(['pear']);
  });

  it('keeps the history readable: the trade that moved pear still shows it', async () => {
    expect((await slash(carol, 'trades')).text).toContain(`Trade #${trade}`);
    expect((await admin('log', [])).text).toContain('Ada archived "pear"');
    expect(store.core.audit().ok).toBe(true);
  });

  it('brings it back with /admin item-unarchive', async () => {
    expect((await admin('item-unarchive', [str('item', 'pear')])).text).toBe('"pear" is back in the catalog: members can offer, want and be granted it again.');
    expect((await admin('item-unarchive', [str('item', 'pear')])).text).toBe('"pear" is not archived, so there is nothing to bring back.');
    expect((await admin('grant', [user('member', alice), str('items', '1 pear')], [alice])).text).toBe('Granted 1 pear to Alice.');
    expect((await slash(alice, 'post', [str('give', '1 pear'), str('want', '1 orange')])).title).toMatch(/^Offer #\d+/);
    expect(await suggestions(alice, 'post', [str('give', '1 pear'), typing('want', 'pe')])).toEqual(['pear']);
  });
});
