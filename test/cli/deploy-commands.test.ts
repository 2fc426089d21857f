// `npm run deploy-commands` against the fake Discord: what is registered is exactly the catalog.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { isGroup } from '../../commands/definition.js';
import { commands } from '../../commands/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSlashCommands } from '../../src/adapters/discord/slash-commands.js';
import { deployCommands } from '../../src/cli/deploy-commands.js';
import { startFakeDiscord, type FakeDiscord, type Json } from '../fakes/discord-api.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

let fake: FakeDiscord;
beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [{ id: '100000000000000099', name: 'Deploy test' }] });
});
afterAll(async () => {
  await fake?.close();
});

const generated = buildSlashCommands(commands);
/** The catalog's commands Discord has: /start and /markets need a private chat acting on a picked market. */
const onDiscord = commands.filter((command) => command.name !== 'start' && command.name !== 'markets');
const byName = (name: string) => generated.find((command) => command.name === name);
type Option = { name: string; type: number; required?: boolean; autocomplete?: boolean; options?: Option[]; [key: string]: unknown };
const optionsOf = (command: { options?: unknown } | undefined) => (command?.options ?? []) as Option[];
/** The body of the last command registration the fake received. */
const lastPut = () => [...fake.requests].reverse().find((request) => request.method === 'PUT' && request.path.endsWith('/commands'));

describe('slash commands generated from the catalog', () => {
  it('has one command per catalog entry Discord has, guild-only, with short descriptions and required options first', () => {
    expect(generated.map((command) => command.name)).toEqual(onDiscord.map((command) => command.name));
    for (const command of generated) {
      expect(command).toMatchObject({ type: 1, contexts: [0], integration_types: [0] });
      expect(command.description.length).toBeLessThanOrEqual(100);
      expect(command.name).toMatch(/^[-_a-z0-9]{1,32}$/);
      const lists = [optionsOf(command), ...optionsOf(command).map((option) => option.options ?? [])];
      for (const options of lists) {
        const required = options.map((option) => option.required === true);
        expect(required).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
        for (const option of options) expect(String(option['description']).length).toBeLessThanOrEqual(100);
      }
    }
  });

  it('types each option: items as autocompleted strings, numbers as integers, members as users, choices as choices', () => {
    const post = optionsOf(byName('post'));
    expect(post.map((option) => option.name)).toEqual(['give', 'want', 'hours', 'to', 'note']);
    expect(post[0]).toEqual({ name: 'give', description: 'What you give, like "5 apple, 2 pear"', type: 3, required: true, max_length: 500, autocomplete: true });
    expect(post.find((option) => option.name === 'hours')).toMatchObject({ type: 4, required: false, min_value: 1, max_value: 720 });
    expect(post.find((option) => option.name === 'to')).toMatchObject({ type: 6, required: false });
    expect(post.find((option) => option.name === 'note')).toMatchObject({ type: 3, max_length: 200 });
    expect(optionsOf(byName('cancel'))[0]).toMatchObject({ name: 'offer', type: 4, min_value: 1, autocomplete: true });
    expect(optionsOf(byName('rate'))[0]).toMatchObject({ name: 'trade', type: 4, min_value: 1, autocomplete: true });
    expect(optionsOf(byName('rate')).find((option) => option.name === 'stars')?.autocomplete).toBeUndefined();
    // Every offer number a member types is completed: to accept, decline, cancel, view or remove.
    for (const name of ['accept', 'decline', 'cancel', 'offer']) expect(optionsOf(byName(name))[0], name).toMatchObject({ name: 'offer', type: 4, autocomplete: true });
    // A catalog item name, typed alone, is completed too.
    expect(optionsOf(byName('market')).find((option) => option.name === 'item')).toMatchObject({ type: 3, required: false, max_length: 60, autocomplete: true });
    const trades = optionsOf(byName('trades'))[0];
    expect(trades).toMatchObject({ name: 'filter', type: 3, required: false });
    expect(trades?.['choices']).toEqual(expect.arrayContaining([{ name: 'active', value: 'active' }, { name: 'inactive', value: 'inactive' }]));
    // Lists take their filter only: the page cursor is written by their buttons, never typed.
    expect(optionsOf(byName('catalog'))).toEqual([{ name: 'text', description: 'Only items with these words in their name or description', type: 3, required: false, max_length: 100 }]);
    for (const name of ['market', 'myoffers', 'trades']) expect(optionsOf(byName(name)), name).toHaveLength(1);
  });

  it('makes /admin one command of subcommands, for Manage Server by default', () => {
    const admin = byName('admin');
    expect(admin?.default_member_permissions).toBe('32');
    const group = commands.find((command) => command.name === 'admin');
    if (!group || !isGroup(group)) throw new Error('no admin group in the catalog');
    expect(optionsOf(admin).map((sub) => [sub.name, sub.type])).toEqual(group.subcommands.map((sub) => [sub.name, 1]));
    const grant = optionsOf(admin).find((sub) => sub.name === 'grant');
    expect(grant?.options).toEqual([
      { name: 'member', description: 'Who receives them', type: 6, required: true },
      { name: 'items', description: 'What to give, like "5 apple"', type: 3, required: true, max_length: 500, autocomplete: true },
      { name: 'reason', description: 'Why, for the moderation log', type: 3, required: false, max_length: 200 },
    ]);
    const itemEdit = optionsOf(admin).find((sub) => sub.name === 'item-edit');
    expect(itemEdit?.options?.find((option) => option.name === 'item')).toMatchObject({ type: 3, required: true, autocomplete: true });
    expect(itemEdit?.options?.find((option) => option.name === 'name')?.autocomplete).toBeUndefined();
    const removeOffer = optionsOf(admin).find((sub) => sub.name === 'remove-offer');
    expect(removeOffer?.options?.[0]).toMatchObject({ name: 'offer', type: 4, autocomplete: true });
    // The owner is told why: the core refuses a removal without a reason, so Discord asks for one.
    expect(removeOffer?.options?.[1]).toMatchObject({ name: 'reason', type: 3, required: true });
    for (const command of generated.filter((c) => c.name !== 'admin')) expect(command.default_member_permissions).toBeUndefined();
  });
});

describe('deployCommands', () => {
  it('registers exactly the generated commands globally', async () => {
    const stored = await deployCommands({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api });
    expect(lastPut()).toMatchObject({ path: `/applications/${fake.applicationId}/commands`, body: generated, status: 200 });
    expect(stored.map((command) => command.name)).toEqual(onDiscord.map((command) => command.name));
    expect(fake.registeredCommands().map((command) => command['name'])).toEqual(onDiscord.map((command) => command.name));
  });

  it('registers them in one guild with --guild, leaving the global ones alone', async () => {
    const guildId = fake.guilds[0]!.id;
    await deployCommands({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.api, guildId });
    expect(lastPut()).toMatchObject({ path: `/applications/${fake.applicationId}/guilds/${guildId}/commands`, body: generated });
    expect(fake.registeredCommands(guildId).map((command: Json) => command['name'])).toEqual(onDiscord.map((command) => command.name));
    expect(fake.registeredCommands()).toHaveLength(onDiscord.length);
  });

  it('runs as `npm run deploy-commands -- --guild ID` over REST alone, printing what it registered and where', async () => {
    const guildId = fake.guilds[0]!.id;
    const before = fake.requests.length;
    // An empty working directory, so a developer's own .env cannot leak in.
    const cwd = mkdtempSync(join(tmpdir(), 'deploy-commands-'));
    try {
      const { stdout } = await run(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/cli/deploy-commands.ts'), '--guild', guildId], {
        cwd,
        env: { PATH: process.env['PATH'] ?? '', DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.api },
        timeout: 20_000,
      });
      expect(stdout).toContain(`Registered ${onDiscord.length} slash commands in server ${guildId} for application ${fake.applicationId}:`);
      expect(stdout).toContain('/admin (item-add, item-edit, item-archive, item-unarchive, grant, revoke, remove-offer, ban, unban, config, log, audit, inventory, bans, review-hide, review-unhide): Market administration');
      const made = fake.requests.slice(before).map((request) => `${request.method} ${request.path}`);
      expect(made).toEqual([`PUT /applications/${fake.applicationId}/guilds/${guildId}/commands`]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('names the missing variable instead of registering anything', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'deploy-commands-'));
    try {
      const failed = await run(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/cli/deploy-commands.ts')], {
        cwd,
        env: { PATH: process.env['PATH'] ?? '', DISCORD_TOKEN: fake.token },
        timeout: 20_000,
      }).then(
        () => undefined,
        (error: unknown) => error as { code: number; stderr: string },
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toContain('DISCORD_APPLICATION_ID must be set when DISCORD_TOKEN is');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
