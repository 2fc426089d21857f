import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  REST,
  Routes,
  type Interaction,
} from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, startFakeDiscord, type FakeDiscord } from './discord-api.js';

const alice = { id: '200000000000000001', username: 'alice', global_name: 'Alice' };
const bob = { id: '200000000000000002', username: 'bob' };

let fake: FakeDiscord;
let client: Client;
const clientErrors: unknown[] = [];
/** The current test's interaction handler; failures are collected in `handlerErrors`. */
let onInteraction: (interaction: Interaction) => Promise<void> = async () => {};
const handlerErrors: unknown[] = [];

beforeAll(async () => {
  fake = await startFakeDiscord({
    applicationId: '900000000000000042',
    botUsername: 'Trading Post',
    guilds: [{ id: '100000000000000001', name: 'Barter Town' }],
  });
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.api } });
  client.on(Events.Error, (error) => clientErrors.push(error));
  client.on(Events.InteractionCreate, (interaction) => {
    onInteraction(interaction).catch((error: unknown) => handlerErrors.push(error));
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(fake.token);
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

afterEach(() => {
  onInteraction = async () => {};
  expect(handlerErrors).toEqual([]);
  expect(clientErrors).toEqual([]);
});

/** Resolves with the next interaction the client sees, after running `handle` on it. */
function nextInteraction<T>(handle: (interaction: Interaction) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    onInteraction = async (interaction) => {
      try {
        resolve(await handle(interaction));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
  });
}

describe('fake Discord with the real discord.js client', () => {
  it('logs in, emits clientReady and caches the configured guild', async () => {
    await fake.connected();
    expect(client.isReady()).toBe(true);
    expect(client.user?.id).toBe(fake.applicationId);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get('100000000000000001');
    expect(guild?.name).toBe('Barter Town');
    expect(guild?.roles.everyone.id).toBe('100000000000000001');
    expect(guild?.channels.cache.get(fake.guilds[0]!.channelId)?.isTextBased()).toBe(true);
    expect(guild?.members.me?.id).toBe(fake.applicationId);
  });

  it('delivers a slash command and records reply, deferReply + editReply and followUp', async () => {
    // reply, ephemeral
    let seen = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error(`expected a chat input command, got type ${i.type}`);
      expect(i.commandName).toBe('offer');
      expect(i.options.getSubcommand()).toBe('create');
      expect(i.options.getString('item', true)).toBe('3 apples');
      expect(i.inGuild()).toBe(true);
      expect(i.user.username).toBe('alice');
      expect(i.memberPermissions?.has('ManageGuild')).toBe(false);
      await i.reply({ content: 'Offer posted', flags: MessageFlags.Ephemeral });
    });
    const first = fake.slashCommand({
      user: alice,
      name: 'offer',
      subcommand: 'create',
      options: [{ name: 'item', type: 3, value: '3 apples' }],
    });
    await seen;
    expect(fake.responses(first.interactionId)).toMatchObject([
      { kind: 'callback', type: 4, data: { content: 'Offer posted', flags: 64 } },
    ]);
    expect(fake.callbacks.at(-1)).toMatchObject({ interactionId: first.interactionId, type: 4 });
    expect(fake.original(first.interactionId)?.content).toBe('Offer posted');

    // deferReply + editReply + followUp, by an admin
    seen = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a chat input command');
      expect(i.memberPermissions?.has('Administrator')).toBe(true);
      await i.deferReply();
      const edited = await i.editReply({ content: 'Here are your offers' });
      expect(edited.content).toBe('Here are your offers');
      expect((await i.fetchReply()).id).toBe(edited.id);
      const follow = await i.followUp({ content: 'One more thing', flags: MessageFlags.Ephemeral });
      expect(follow.id).toMatch(/^\d+$/);
      expect(follow.content).toBe('One more thing');
    });
    const second = fake.slashCommand({ user: alice, name: 'offers', permissions: PERMISSIONS.admin });
    await seen;
    const responses = fake.responses(second.interactionId);
    expect(responses.map((r) => (r.kind === 'callback' ? `callback:${r.type}` : r.kind))).toEqual([
      'callback:5',
      'edit',
      'followUp',
    ]);
    expect(responses[1]).toMatchObject({ kind: 'edit', messageId: '@original' });
    expect(fake.original(second.interactionId)).toMatchObject({ content: 'Here are your offers', flags: 0 });
    expect(responses[2]).toMatchObject({ kind: 'followUp', message: { content: 'One more thing', flags: 64 } });
  });

  it('delivers a slash command in a DM', async () => {
    const seen = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a chat input command');
      expect(i.inGuild()).toBe(false);
      expect(i.guildId).toBeNull();
      // Without Partials.Channel discord.js does not cache an unknown DM channel: only the id is known.
      expect(i.channelId).toMatch(/^\d+$/);
      await i.reply('hello in DM');
    });
    const { interactionId } = fake.slashCommand({ guildId: null, user: bob, name: 'help' });
    await seen;
    await expect(fake.waitForResponse(interactionId)).resolves.toMatchObject({ type: 4, data: { content: 'hello in DM' } });
  });

  it('delivers a button press on a bot message; update is recorded as type 7', async () => {
    const posted = nextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a chat input command');
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId('accept:42').setLabel('Accept').setStyle(ButtonStyle.Success),
      );
      const response = await i.reply({ content: 'Offer #42', components: [row], withResponse: true });
      return response.resource?.message?.id;
    });
    const command = fake.slashCommand({ user: alice, name: 'offer' });
    const repliedId = await posted;
    const message = fake.original(command.interactionId);
    if (!message) throw new Error('no @original message');
    expect(repliedId).toBe(message.id); // with_response=true returns the callback resource

    const pressed = nextInteraction(async (i) => {
      if (!i.isButton()) throw new Error(`expected a button, got type ${i.type}`);
      expect(i.customId).toBe('accept:42');
      expect(i.message.id).toBe(message.id);
      expect(i.message.content).toBe('Offer #42');
      expect(i.user.id).toBe(bob.id);
      await i.update({ content: 'Offer #42 (accepted)', components: [] });
    });
    const press = fake.pressButton({ user: bob, customId: 'accept:42', message });
    await pressed;
    expect(fake.responses(press.interactionId)).toMatchObject([
      { kind: 'callback', type: 7, data: { content: 'Offer #42 (accepted)', components: [] } },
    ]);
    expect(fake.original(press.interactionId)).toMatchObject({ id: message.id, content: 'Offer #42 (accepted)' });
  });

  it('delivers autocomplete; respond is recorded as type 8 with the choices', async () => {
    const seen = nextInteraction(async (i) => {
      if (!i.isAutocomplete()) throw new Error(`expected autocomplete, got type ${i.type}`);
      const focused = i.options.getFocused(true);
      expect(focused).toMatchObject({ name: 'item', value: 'app' });
      await i.respond([
        { name: 'apples', value: 'apples' },
        { name: 'apricots', value: 'apricots' },
      ]);
    });
    const { interactionId } = fake.autocomplete({
      user: alice,
      name: 'offer',
      subcommand: 'create',
      options: [{ name: 'item', type: 3, value: 'app', focused: true }],
    });
    await seen;
    expect(fake.responses(interactionId)).toMatchObject([
      { kind: 'callback', type: 8, data: { choices: [{ name: 'apples' }, { name: 'apricots' }] } },
    ]);
  });

  it('sends DMs, and a refused DM rejects with code 50007', async () => {
    const user = await client.users.fetch(alice.id);
    expect(user.username).toBe('alice'); // known from earlier interactions
    await user.send('hi');
    expect(fake.dms(alice.id).map((m) => m.content)).toEqual(['hi']);
    const dmRequest = await fake.waitForRequest((r) => r.method === 'POST' && r.path === '/users/@me/channels');
    expect(dmRequest.body).toEqual({ recipient_id: alice.id });

    const other = await client.users.fetch('200000000000000099');
    fake.refuseDMs(other.id);
    const error = await other.send('hi').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(50007);
    expect((error as DiscordAPIError).status).toBe(403);
    expect(fake.dms(other.id)).toEqual([]);
  });

  it('stores commands registered with the real REST client (global and guild)', async () => {
    const rest = new REST({ api: fake.api }).setToken(fake.token);
    const body = [{ name: 'offer', description: 'Post an offer', options: [] }];
    const global = (await rest.put(Routes.applicationCommands(fake.applicationId), { body })) as Array<{ id: string }>;
    expect(global[0]?.id).toMatch(/^\d+$/);
    expect(fake.registeredCommands()).toMatchObject([{ name: 'offer', description: 'Post an offer', id: global[0]?.id }]);
    expect(await rest.get(Routes.applicationCommands(fake.applicationId))).toEqual(fake.registeredCommands());

    const guildId = fake.guilds[0]!.id;
    await rest.put(Routes.applicationGuildCommands(fake.applicationId, guildId), {
      body: [{ name: 'admin', description: 'Admin tools' }],
    });
    expect(fake.registeredCommands(guildId)).toMatchObject([{ name: 'admin', guild_id: guildId }]);
    expect(fake.registeredCommands()).toHaveLength(1);

    // a wrong token is refused
    const wrong = new REST({ api: fake.api }).setToken('not-the-token');
    await expect(wrong.get(Routes.user('@me'))).rejects.toMatchObject({ status: 401 });
  });

  it('injects failures: a 429 and a 500 are retried by the REST client, unknown routes are 404', async () => {
    const rest = new REST({ api: fake.api }).setToken(fake.token);
    const channelId = fake.guilds[0]!.channelId;
    fake.failNext({ method: 'POST', pathIncludes: `/channels/${channelId}/messages` }, 1, {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.1, global: false },
      headers: { 'retry-after': '0.1', 'x-ratelimit-scope': 'user' },
    });
    fake.failNext({ method: 'GET', pathIncludes: '/users/@me' }, 1, { status: 500 });
    const started = fake.requests.length;
    await rest.post(Routes.channelMessages(channelId), { body: { content: 'after a 429' } });
    await rest.get(Routes.user('@me'));
    const statuses = fake.requests.slice(started).map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(statuses).toEqual([
      `POST /channels/${channelId}/messages 429`,
      `POST /channels/${channelId}/messages 200`,
      'GET /users/@me 500',
      'GET /users/@me 200',
    ]);
    expect(fake.channelMessages(channelId).map((m) => m.content)).toContain('after a 429');

    await expect(rest.get('/nowhere/at/all')).rejects.toMatchObject({ status: 404 });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/nowhere/at/all', status: 404 });
    await expect(fake.waitForRequest((r) => r.path === '/never', 50)).rejects.toThrow(/Recent requests/);
  });
});
