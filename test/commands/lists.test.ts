// Every list is paged with buttons (/catalog, /market, /myoffers, /trades): a page fits what each
// platform shows whole, and pressing Next from the first page reaches every entry exactly once.
// Presses are run the way both adapters run them: the payload read back strictly, then as typed.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchWords } from '../../commands/catalog.js';
import { buttonPayload, type Reply, type ReplyButton } from '../../commands/definition.js';
import { commands, executeText, findCommand, type CommandContext, type CommandResult } from '../../commands/index.js';
import { messagesFor } from '../../commands/messages/index.js';
import { parseButtonPayload } from '../../commands/press.js';
import { usage } from '../../commands/usage.js';
import { escapeText, renderButtons, renderEmbed } from '../../src/adapters/discord/render.js';
import { buildSlashCommands } from '../../src/adapters/discord/slash-commands.js';
import { renderHtml } from '../../src/adapters/telegram/render.js';
import type { CommandDefinition } from '../../commands/definition.js';
import type { MemberRef } from '../../src/core/types.js';
import { plain } from '../support/telegram-group.js';
import { createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

const en = messagesFor('en');
let t: TestMarket;

const CAPABILITIES = {
  telegram: { syntax: 'text', ephemeral: false, privateMarkets: true },
  discord: { syntax: 'slash', ephemeral: true, privateMarkets: false },
} as const;
const as = (member: MemberRef, platform: 'telegram' | 'discord' = 'telegram'): CommandContext => ({
  core: t.core,
  t: en,
  capabilities: CAPABILITIES[platform],
  market: t.market,
  member,
  isAdmin: async () => member.displayName === 'admin',
});
const run = (member: MemberRef, line: string): Promise<CommandResult> => {
  const [, name = '', rest = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
  const definition = findCommand(name);
  if (!definition) throw new Error(`no command ${name}`);
  return executeText(as(member), definition, rest);
};
const button = (reply: Reply, label: string) => reply.buttons?.find((b) => b.label === label);
/** A press as the adapters take it: the payload must read back as exactly this button, then it runs as typed. */
async function press(member: MemberRef, pressed: ReplyButton): Promise<Reply> {
  const call = parseButtonPayload(buttonPayload(pressed));
  expect(call, buttonPayload(pressed)).toBeDefined();
  expect(call?.path).toBe(pressed.command);
  return (await executeText(as(member), call!.command, call!.args.join(' '))).reply;
}
/** Every page from the first, following Next. */
async function allPages(member: MemberRef, line: string): Promise<Reply[]> {
  const pages = [(await run(member, line)).reply];
  for (let next = button(pages[0]!, en.list.next); next; next = button(pages.at(-1)!, en.list.next)) {
    pages.push(await press(member, next));
    if (pages.length > 50) throw new Error('paging never ends');
  }
  return pages;
}
const lines = (reply: Reply) => reply.text.split('\n');

/** Shown whole on both platforms: nothing clipped or cut, buttons within Discord's rows and Telegram's 64 bytes. */
function expectFitsEverywhere(reply: Reply) {
  const embed = renderEmbed(reply).data;
  expect(embed.description).toBe(escapeText(reply.text));
  for (const field of reply.fields ?? []) expect(embed.fields?.find((f) => f.name === escapeText(field.name))?.value).toBe(escapeText(field.value));
  const html = renderHtml(reply);
  expect(html.length).toBeLessThanOrEqual(4096);
  expect(plain(html)).toContain(reply.text);
  expect(renderButtons(reply).length).toBeLessThanOrEqual(5);
  for (const b of reply.buttons ?? []) expect(Buffer.byteLength(buttonPayload(b))).toBeLessThanOrEqual(64);
}

let admin: MemberRef, alice: MemberRef, bob: MemberRef;
beforeEach(() => {
  t = createTestMarket({ items: ['apple', 'orange', 'pear'] });
  [admin, alice, bob] = [t.member('admin'), t.member('alice'), t.member('bob')];
  unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 1000], ['pear', 1000])));
  unwrap(t.core.grantItems(t.market.id, admin.id, bob.id, items(['orange', 1000])));
});
afterEach(() => t.cleanup());

describe('/catalog', () => {
  const addItems = (count: number, name: (i: number) => string, description?: string) => {
    for (let i = 0; i < count; i += 1) unwrap(t.core.addItem(t.market.id, null, { name: name(i), ...(description ? { description } : {}) }));
  };

  it('lists the catalog by name, archived items left out, and pages it with Next and Previous', async () => {
    addItems(24, (i) => `Card ${String(i).padStart(2, '0')}`);
    unwrap(t.core.addItem(t.market.id, null, { name: 'Banana', emoji: '🍌', description: 'ripe' }));
    // Archiving waits until nobody holds an item: one nobody was granted.
    unwrap(t.core.addItem(t.market.id, null, { name: 'Quince' }));
    unwrap(t.core.archiveItem(t.market.id, null, 'quince'));
    const pages = await allPages(alice, '/catalog');
    expect(pages[0]).toMatchObject({ title: 'Catalog', visibility: 'personal', shows: { subject: { kind: 'list', command: 'catalog' }, follows: false } });
    expect(pages[0]!.buttons?.map((b) => b.label)).toEqual([en.list.next]);
    const shown = pages.flatMap(lines);
    expect(shown).toHaveLength(24 + 4);
    expect(shown.slice(0, 3)).toEqual(['apple', '🍌 Banana — ripe', 'Card 00']);
    expect(shown).not.toContain('Quince');
    expect(new Set(shown).size).toBe(shown.length);
    expect(pages.at(-1)!.buttons?.map((b) => b.label)).toEqual([en.list.previous]);
    const back = await press(alice, button(pages.at(-1)!, en.list.previous)!);
    expect(back.text).toBe(pages[1]!.text);
    pages.forEach(expectFitsEverywhere);
  });

  it('filters by words in the name or description, in any case, and the buttons keep the words', async () => {
    addItems(15, (i) => `Apple tart ${i}`);
    addItems(5, (i) => `Plum ${i}`, 'Fresh from the TART orchard');
    addItems(5, (i) => `Cherry ${i}`);
    const pages = await allPages(bob, '/catalog Tart!');
    expect(pages[0]!.title).toBe('Catalog: "tart"');
    expect(pages.flatMap(lines)).toHaveLength(20);
    expect(pages.flatMap(lines).every((line) => /tart/i.test(line))).toBe(true);
    expect(buttonPayload(button(pages[0]!, en.list.next)!)).toMatch(/^catalog tart page after-\d+$/);
    expect((await run(bob, '/catalog apple tart 1')).reply.text.split('\n')).toEqual(['Apple tart 1', 'Apple tart 10', 'Apple tart 11', 'Apple tart 12', 'Apple tart 13', 'Apple tart 14']);
    expect((await run(bob, '/catalog durian')).reply).toMatchObject({ text: 'No item in the catalog matches "durian".' });
    expect(((await run(bob, '/catalog')).reply.buttons ?? []).length).toBe(1);
  });

  it('cuts search words a button could not carry, and says which words it searched', async () => {
    addItems(12, (i) => `Яблоко сорт ${i}`);
    const { reply } = await run(alice, `/catalog ${'яблоко сорт '.repeat(6)}`);
    expect(reply.title).toBe('Catalog: "яблоко сорт"');
    expect(lines(reply)).toHaveLength(10);
    for (const b of reply.buttons ?? []) expect(Buffer.byteLength(buttonPayload(b))).toBeLessThanOrEqual(64);
    const long = (await run(alice, `/catalog ${'я'.repeat(40)}`)).reply;
    expect(long.title).toMatch(/^Catalog: "я+"$/);
    expect(Buffer.byteLength(long.title ?? '')).toBeLessThan(64);
  });

  it('writes any search, in any script, as words a page button carries and reads back', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 100 }), fc.string({ unit: 'grapheme', maxLength: 100 })), (text) => {
        const words = searchWords(text).join('-');
        if (words === '') return;
        for (const cursor of ['after-1', 'before-9999999999']) {
          expect(parseButtonPayload(`catalog ${words} page ${cursor}`)?.values).toEqual({ text: words, page: cursor });
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('says when the catalog is empty, and answers the old typed paging with a pointer to the buttons', async () => {
    const empty = createTestMarket({ items: [] });
    try {
      const definition = findCommand('catalog')!;
      const { reply } = await executeText({ ...as(alice), core: empty.core, market: empty.market, member: empty.member('zoe') }, definition, '');
      expect(reply.text).toBe('The catalog is empty: an admin adds items with /admin item-add NAME.');
      expect(reply.buttons).toBeUndefined();
      expect(reply.shows).toBeUndefined();
    } finally {
      empty.cleanup();
    }
    expect((await run(alice, '/market page 2')).reply).toMatchObject({ tone: 'error', text: 'Use the Previous and Next buttons under a list to see its other pages.' });
  });
});

describe('/market, /myoffers and /trades', () => {
  const post = (owner: MemberRef, give: string, want: string) => run(owner, `/post give ${give} want ${want}`);

  it('pages the market, and a filtered market keeps its item (by number) on every page', async () => {
    for (let i = 0; i < 23; i += 1) await post(alice, '1 apple', i % 2 ? '1 orange' : '1 pear');
    const all = await allPages(bob, '/market');
    expect(all.map((page) => lines(page).length)).toEqual([10, 10, 3]);
    expect(all.flatMap(lines).map((line) => Number(/^#(\d+)/.exec(line)?.[1]))).toEqual(Array.from({ length: 23 }, (_, i) => 23 - i));
    expect(all[0]).toMatchObject({ title: 'Open offers', visibility: 'public', shows: { subject: { kind: 'list', command: 'market' }, follows: false } });
    const pear = t.core.findItem(t.market.id, 'pear')!;
    const filtered = await allPages(bob, '/market Pear');
    expect(filtered.map((page) => page.title)).toEqual(['Offers with pear', 'Offers with pear']);
    expect(filtered.flatMap(lines)).toHaveLength(12);
    expect(buttonPayload(button(filtered[0]!, en.list.next)!)).toBe(`market ${pear.id} page after-${Number(/^#(\d+)/.exec(lines(filtered[0]!).at(-1)!)?.[1])}`);
  });

  it('pages a member’s own offers with their status filter, privately', async () => {
    for (let i = 0; i < 14; i += 1) await post(alice, '1 apple', '1 orange');
    for (let offer = 1; offer <= 12; offer += 1) await run(alice, `/cancel ${offer}`);
    const cancelled = await allPages(alice, '/myoffers cancelled');
    expect(cancelled.map((page) => page.visibility)).toEqual(['private', 'private']);
    expect(cancelled[0]!.title).toBe('Your offers (Cancelled by its owner)');
    expect(cancelled.flatMap(lines).map((line) => Number(/^#(\d+)/.exec(line)?.[1]))).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(buttonPayload(button(cancelled[0]!, en.list.next)!)).toBe('myoffers cancelled page after-3');
    expect((await allPages(alice, '/myoffers')).flatMap(lines)).toHaveLength(14);
  });

  it('pages a member’s trades on either side with their filter', async () => {
    for (let i = 0; i < 12; i += 1) {
      const posted = i % 2 ? await post(alice, '1 apple', '1 orange') : await post(bob, '1 orange', '1 apple');
      const offer = Number(/#(\d+)/.exec(posted.reply.title ?? '')?.[1]);
      await run(i % 2 ? bob : alice, `/accept ${offer}`);
    }
    const pages = await allPages(alice, '/trades inactive');
    expect(pages.flatMap(lines).map((line) => Number(/^Trade #(\d+)/.exec(line)?.[1]))).toEqual(Array.from({ length: 12 }, (_, i) => 12 - i));
    expect(pages[0]).toMatchObject({ title: 'Your trades (inactive)', visibility: 'private', shows: { subject: { kind: 'list', command: 'trades' } } });
    expect((await run(alice, '/trades active')).reply).toMatchObject({ text: 'You have no trades here yet.' });
  });

  it('fits a page of the longest names and fullest offers on every platform, clipping lines, and still reaches every offer', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `${'Ё'.repeat(40)} ${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`.padEnd(50, 'ж'));
    for (const name of names) unwrap(t.core.addItem(t.market.id, null, { name, emoji: '🎲' }));
    const loud = t.core.ensureMember({ marketId: t.market.id, platformUserId: 'loud', displayName: '&<>"*_`|'.repeat(8), username: null });
    unwrap(t.core.grantItems(t.market.id, admin.id, loud.id, items(...names.slice(0, 20).map((name) => [name, 1_000_000] as const))));
    const give = items(...names.slice(0, 20).map((name) => [name, 1000] as const));
    const want = items(...names.slice(20).map((name) => [name, 1_000_000] as const));
    const posted = Array.from({ length: 23 }, () => unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: loud.id, give, want, targetId: bob.id })).id);
    for (const [line, member] of [['/market', bob], [`/market ${names[3]}`, bob], ['/myoffers', loud], ['/catalog', bob], [`/catalog ${'Ё'.repeat(12)}`, bob]] as const) {
      const pages = await allPages(member, line);
      pages.forEach(expectFitsEverywhere);
      for (const page of pages) for (const shown of lines(page)) expect(shown.length).toBeLessThanOrEqual(200);
      const numbers = pages.flatMap(lines).map((shown) => Number(/^#(\d+)/.exec(shown)?.[1]));
      if (line.startsWith('/catalog')) expect(pages.flatMap(lines)).toHaveLength(line === '/catalog' ? 43 : 40);
      else expect(numbers).toEqual([...posted].reverse());
    }
  });
});

describe('page cursors and filters on buttons only', () => {
  const pressable = commands
    .flatMap((command) => ('subcommands' in command ? command.subcommands.map((sub) => ({ ...sub, name: `${command.name} ${sub.name}` })) : [command]))
    .filter((command) => Boolean(command.pressable));

  it('keeps the page option out of usage lines and slash commands', () => {
    const market = findCommand('market') as CommandDefinition;
    expect(usage(market, undefined, 'text')).toBe('/market [ITEM]');
    expect(usage(market, undefined, 'slash')).toBe('/market [item:]');
    expect(usage(findCommand('catalog') as CommandDefinition, undefined, 'text')).toBe('/catalog [TEXT]');
    expect(usage(findCommand('catalog') as CommandDefinition, undefined, 'slash')).toBe('/catalog [text:]');
    const slash = buildSlashCommands(commands);
    for (const name of ['market', 'myoffers', 'trades', 'catalog']) {
      expect(slash.find((command) => command.name === name)?.options?.map((option) => option.name)).not.toContain('page');
    }
  });

  it('makes the lists, and only commands whose options a button can carry, pressable', () => {
    expect(pressable.map((command) => command.name).sort()).toEqual(['accept', 'admin bans', 'admin log', 'cancel', 'catalog', 'confirm', 'counter', 'decline', 'event', 'market', 'myoffers', 'offer', 'rate', 'reject', 'repost', 'search', 'trade', 'trades', 'withdraw']);
    for (const command of pressable) {
      for (const option of Object.values(command.options)) {
        const carried = ['offer', 'trade', 'integer', 'choice'].includes(option.spec.kind) || option.spec.buttonForm !== undefined;
        // A button may leave out an optional option it cannot carry (a rating's comment), never a required one.
        expect(carried || !option.required, `${command.name} ${option.spec.name}`).toBe(true);
      }
    }
  });
});

describe('/help', () => {
  const help = async (member: MemberRef, platform: 'telegram' | 'discord') =>
    (await executeText(as(member, platform), findCommand('help')!, '')).reply;

  it('leaves the catalog to /catalog, and is never clipped on either platform', async () => {
    for (let i = 0; i < 60; i += 1) unwrap(t.core.addItem(t.market.id, null, { name: `Item number ${i} with a long title` }));
    for (const platform of ['telegram', 'discord'] as const) {
      const reply = await help(admin, platform);
      // The admins' part takes as many fields as Discord's 1,024 characters a field need.
      expect(reply.fields?.[0]?.name).toBe(en.help.adminTitle);
      expect(reply.fields?.slice(1).every((field) => field.name === en.help.adminTitleMore)).toBe(true);
      expect(reply.text).toContain('/catalog');
      expect(reply.text).not.toContain('Item number');
      expectFitsEverywhere(reply);
    }
  });
});

describe('/search', () => {
  const post = (owner: MemberRef, give: string, want: string, hours: number, note?: string) =>
    unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: owner.id, give: items([give, 1]), want: items([want, 1]), hours, ...(note ? { note } : {}) })).id;
  const offerIds = (replies: Reply[]) => replies.flatMap((reply) => [...reply.text.matchAll(/^#(\d+) /gm)].map((match) => Number(match[1])));

  it('pages a search with its filters, ending soonest first among equal matches, every page fitting both platforms', async () => {
    const wanted = Array.from({ length: 23 }, (_, i) => post(alice, 'apple', 'orange', 1 + i, i % 2 ? 'crisp and red' : undefined));
    post(bob, 'orange', 'apple', 5, 'crisp and red');
    post(alice, 'pear', 'orange', 5, 'crisp and red');
    const pages = await allPages(bob, '/search crisp apple gives apple wants orange by @alice');
    for (const page of pages) expectFitsEverywhere(page);
    expect(pages[0]!.title).toBe('Search: "crisp apple", gives apple, wants orange, by alice');
    // Every word must match: Alice's apple offers with "crisp" in their note, ending soonest first.
    const crisp = wanted.filter((_, i) => i % 2);
    expect(pages).toHaveLength(2);
    expect(offerIds(pages)).toEqual(crisp);
    // The buttons carry the saved search, not its words; Previous goes back.
    const next = button(pages[0]!, en.list.next)!;
    expect(buttonPayload(next)).toMatch(/^search saved \d+ page after-\d+$/);
    expect(offerIds([await press(bob, button(pages[1]!, en.list.previous)!)])).toEqual(offerIds([pages[0]!]));

    const plain = await allPages(bob, '/search gives apple');
    expect(offerIds(plain)).toEqual(wanted);
  });

  it('reads a typo of an item name as the item, and says so', async () => {
    const offer = post(alice, 'apple', 'orange', 5);
    const { reply } = await run(bob, '/search aple');
    expect(reply.title).toBe('Search: "aple", "aple" read as apple');
    expect(offerIds([reply])).toEqual([offer]);
  });

  it('refuses what it cannot search for in one sentence, and an expired search asks to search again', async () => {
    expect((await run(bob, '/search gives aple')).reply).toMatchObject({ tone: 'error', text: expect.stringContaining('apple') });
    expect((await run(bob, '/search rating 9')).reply).toMatchObject({ tone: 'error', text: expect.stringMatching(/rating.*1.*5/) });
    expect((await run(bob, '/search by @nobody')).reply).toMatchObject({ tone: 'error' });
    expect((await run(bob, '/search saved 999 page after-1')).reply).toMatchObject({ tone: 'error', text: en.search.gone });
    expect((await run(bob, '/search durian')).reply).toMatchObject({ text: en.search.empty });
  });
});

describe('/catalog did-you-mean', () => {
  it('suggests the closest names when nothing matches', async () => {
    unwrap(t.core.addItem(t.market.id, null, { name: 'Golden Apple' }));
    expect((await run(bob, '/catalog goldn')).reply.text).toBe('No item in the catalog matches "goldn". Did you mean "Golden Apple"?');
  });
});
