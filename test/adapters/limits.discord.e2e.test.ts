// Issue 13, limits against abuse, on Discord: the real discord.js client against the fake Discord,
// on a market with the limits it ships with and a clock the test moves. A member past the rate
// limit (slash command and button) is answered only to them and nothing runs; the cap on open
// offers; the newcomer gate by time in the server (Discord says when a member joined) and by
// account age (from the user's id); an admin's /admin commands, never counted.
import { MessageFlags, SnowflakeUtil } from 'discord.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../src/adapters/discord/bot.js';
import { PERMISSIONS, startFakeDiscord, type CommandOptionInput, type FakeDiscord, type FakeMessage, type FakeUserInput, type Json } from '../fakes/discord-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { bodyOf, customIds, embedOf, finished, resolved, str, textOf, user } from '../support/discord-interactions.js';
import { checkInvariants } from '../support/invariants.js';
import { HOUR, testClock } from '../support/market.js';

const SECOND = 1_000;
const DAY = 24 * HOUR;
const clock = testClock();
const guild = { id: '100000000000000131', name: 'Limited market' };
const ada: FakeUserInput = { id: '313000000000000100', username: 'ada', global_name: 'Ada' };
const alice: FakeUserInput = { id: '313000000000000101', username: 'alice', global_name: 'Alice' };
const bobby: FakeUserInput = { id: '313000000000000102', username: 'bobby', global_name: 'Bobby' };
/** Joined the server an hour before the test's clock starts. */
const dan: FakeUserInput = { id: '313000000000000103', username: 'dan', global_name: 'Dan' };
const danJoined = clock() - HOUR;
/** An account made two days before the test's clock starts: its id says so. */
const eveCreated = clock() - 2 * DAY;
const eve: FakeUserInput = { id: String(SnowflakeUtil.generate({ timestamp: eveCreated })), username: 'eve', global_name: 'Eve' };

let fake: FakeDiscord;
let store: FreshCore;
let discord: DiscordBot;
const log = pino({ level: 'silent' });

/** Runs a slash command; returns what the member saw and whether only they saw it. */
async function slash(who: FakeUserInput, name: string, options: CommandOptionInput[] = [], extra: { subcommand?: string; permissions?: string; resolved?: Json; joinedAt?: string } = {}) {
  const { interactionId } = fake.slashCommand({ user: who, guildId: guild.id, name, options, ...extra });
  const body = bodyOf(await fake.waitForResponse(interactionId));
  return { interactionId, title: String(embedOf(body)['title'] ?? ''), text: textOf(body), onlyToThem: (Number(body?.['flags'] ?? 0) & MessageFlags.Ephemeral) !== 0 };
}
const admin = (subcommand: string, options: CommandOptionInput[], users: FakeUserInput[] = []) =>
  slash(ada, 'admin', options, { subcommand, permissions: PERMISSIONS.admin, ...(users.length ? { resolved: resolved(...users) } : {}) });
const config = (setting: string, value: string) => admin('config', [str('setting', setting), str('value', value)]);
const giveWant = (give: string, want: string) => [str('give', give), str('want', want)];
/** Posts an offer; returns its number and its card in the channel. */
async function post(who: FakeUserInput, give: string, want: string, extra: { joinedAt?: string } = {}): Promise<{ offer: number; card: FakeMessage }> {
  const posted = await slash(who, 'post', giveWant(give, want), extra);
  const offer = Number(/#(\d+)/.exec(posted.title)?.[1]);
  const card = fake.original(posted.interactionId);
  if (!offer || !card) throw new Error(`no offer was posted: ${posted.text}`);
  return { offer, card };
}
/** Presses a button on a card in the server; returns what the presser was answered. */
async function press(who: FakeUserInput, card: FakeMessage, label: 'accept', extra: { joinedAt?: string } = {}) {
  const customId = customIds(card as unknown as Json).find((id) => id.startsWith(label))!;
  const { interactionId } = fake.pressButton({ user: who, message: card, customId, guildId: guild.id, ...extra });
  const body = bodyOf(await fake.waitForResponse(interactionId, finished));
  return { text: textOf(body), onlyToThem: (Number(body?.['flags'] ?? 0) & MessageFlags.Ephemeral) !== 0, answers: fake.responses(interactionId) };
}
const hms = (at: number) => new Date(at).toISOString().slice(11, 19);
/** A time as the gate's refusal shows it: the first whole minute at or after it. */
const minute = (at: number) => `${new Date(Math.ceil(at / 60_000) * 60_000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  store = freshCore(clock, { limits: 'shipped' });
  discord = createDiscordBot({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, core: store.core, log });
  await discord.start();
  for (const item of ['apple', 'orange', 'pear']) await admin('item-add', [str('name', item)]);
  await admin('grant', [user('member', alice), str('items', '10 apple')], [alice]);
  await admin('grant', [user('member', bobby), str('items', '10 orange')], [bobby]);
  await admin('grant', [user('member', dan), str('items', '5 orange')], [dan]);
  await admin('grant', [user('member', eve), str('items', '5 orange')], [eve]);
});

afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('limits on Discord', () => {
  let bobbys: { offer: number; card: FakeMessage };

  it('never counts an admin’s /admin commands, and shows each limit with its unit', async () => {
    expect((await config('rate-commands', '3')).text).toBe('rate-commands is now 3 commands.');
    expect((await config('rate-seconds', '60')).text).toBe('rate-seconds is now 60 seconds.');
    for (let i = 0; i < 5; i += 1) expect((await admin('config', [])).text).toContain('rate-commands: 3 commands\nrate-seconds: 60 seconds\nmax-open-offers: 20 offers (default)');
  });

  it('answers a member past the rate limit only to them, by command and by button, and runs nothing', async () => {
    bobbys = await post(bobby, '1 orange', '1 apple');
    clock.advance(61 * SECOND);
    const start = clock();
    for (let i = 0; i < 3; i += 1) expect((await slash(alice, 'market')).text).toContain(`#${bobbys.offer} Bobby`);
    const goOn = (seconds: number) => `You are sending commands too fast: wait ${seconds} seconds and go on from ${hms(start + 60 * SECOND)} UTC.`;
    expect(await slash(alice, 'market')).toMatchObject({ text: goOn(60), onlyToThem: true });
    clock.advance(10 * SECOND);
    // Discord must answer every interaction; the answer shows to her alone, so the channel stays quiet.
    expect(await slash(alice, 'post', giveWant('1 apple', '1 orange'))).toMatchObject({ text: goOn(50), onlyToThem: true });
    const pressed = await press(alice, bobbys.card, 'accept');
    expect(pressed).toMatchObject({ text: goOn(50), onlyToThem: true });
    // The card was not touched (no update), and the offer is still open.
    expect(pressed.answers.map((answer) => answer.kind === 'callback' && answer.type)).toEqual([4]);
    expect(store.core.findOffer(bobbys.offer)?.status).toBe('active');
    const seenByAll = fake.channelMessages(fake.guilds[0]!.channelId).filter((message) => (message.flags & MessageFlags.Ephemeral) === 0);
    expect(seenByAll.filter((message) => textOf(message as unknown as Json).includes('too fast'))).toEqual([]);

    clock.set(start + 60 * SECOND);
    expect((await slash(alice, 'market')).text).toContain(`#${bobbys.offer} Bobby`);
  });

  it('refuses an offer past the cap with what to do', async () => {
    clock.advance(61 * SECOND);
    await config('max-open-offers', '1');
    await post(alice, '1 apple', '1 pear');
    expect(await slash(alice, 'post', giveWant('2 apple', '1 pear'))).toMatchObject({
      text: 'You have 1 open offer already, the most this market allows: cancel one (/myoffers lists them) or wait until one is taken or expires, then post again.',
      onlyToThem: true,
    });
    await config('max-open-offers', '20');
  });

  it('keeps out a member who joined the server recently, counting from when Discord says they joined', async () => {
    clock.advance(61 * SECOND);
    await config('newcomer-hours', '24');
    const joinedAt = new Date(danJoined).toISOString();
    const gate = `Newcomers wait 24 hours here before posting or accepting offers: you may from ${minute(danJoined + 24 * HOUR)}.`;
    expect(await press(dan, bobbys.card, 'accept', { joinedAt })).toMatchObject({ text: gate, onlyToThem: true });
    clock.set(danJoined + 24 * HOUR);
    await post(dan, '1 orange', '1 apple', { joinedAt });
    await config('newcomer-hours', 'off');
  });

  it('keeps out an account younger than account-days, its age read from its id', async () => {
    await config('account-days', '7');
    const gate = `Accounts must be 7 days old to post or accept offers here: yours may from ${minute(eveCreated + 7 * DAY)}.`;
    expect(await slash(eve, 'post', giveWant('1 orange', '1 apple'))).toMatchObject({ text: gate, onlyToThem: true });
    clock.set(eveCreated + 7 * DAY);
    await post(eve, '1 orange', '1 apple');
    checkInvariants(store);
  });
});
