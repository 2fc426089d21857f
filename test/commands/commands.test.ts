// The platform-neutral commands, run from text as a member would type them, on a real core.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeText, findCommand, type CommandContext, type CommandResult } from '../../commands/index.js';
import { messagesFor } from '../../commands/messages/index.js';
import { HOUR, createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

const TELEGRAM = { syntax: 'text', ephemeral: false, privateMarkets: true } as const;
const DISCORD = { syntax: 'slash', ephemeral: true, privateMarkets: false } as const;

let t: TestMarket;
let admins: Set<string>;

const as = (name: string): CommandContext => ({
  core: t.core,
  t: messagesFor('en'),
  capabilities: TELEGRAM,
  market: t.market,
  member: t.member(name),
  isAdmin: async () => admins.has(name),
});
const run = (name: string, line: string, extra: Parameters<typeof executeText>[3] = {}): Promise<CommandResult> => {
  const [, command = '', rest = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
  const definition = findCommand(command);
  if (!definition) throw new Error(`no command ${command}`);
  return executeText(as(name), definition, rest, extra);
};

beforeEach(() => {
  t = createTestMarket();
  admins = new Set(['admin']);
  unwrap(t.core.grantItems(t.market.id, t.member('admin').id, t.member('alice').id, items(['apple', 10])));
  unwrap(t.core.grantItems(t.market.id, t.member('admin').id, t.member('bob').id, items(['orange', 10])));
});
afterEach(() => t.cleanup());

describe('commands from text', () => {
  it('posts with keywords and shows a card with the buttons', async () => {
    const { reply } = await run('alice', '/post give 5 apple want 3 orange hours 48 note fresh today, give or take');
    expect(reply.title).toBe('Offer #1');
    expect(reply.fields).toEqual(
      expect.arrayContaining([
        { name: 'Gives', value: '5 apple' },
        { name: 'Wants', value: '3 orange' },
        { name: 'Note', value: 'fresh today, give or take' },
        { name: 'Expires', value: 'in 2 d' },
      ]),
    );
    expect(reply.buttons?.map((b) => [b.label, b.command, b.args])).toEqual([
      ['Accept', 'accept', ['1']],
      ['Details', 'offer', ['1']],
      ['Cancel', 'cancel', ['1']],
    ]);
  });

  it('/post and /repost run the loop step through the offer they post, and mark it looked through', async () => {
    const loopCheck = (offerId: number) => t.db.sqlite.prepare<[number], { n: number }>('SELECT loop_check AS n FROM offers WHERE id = ?').get(offerId)?.n;
    await run('alice', '/post give 5 apple want 3 orange hours 1');
    expect(loopCheck(1), 'nothing to match, and checked').toBe(-1);
    t.clock.advance(HOUR);
    expect(t.core.expireDueOffers(10).expired).toHaveLength(1);
    await run('bob', '/post give 3 orange want 5 apple');
    expect(t.core.findOffer(2)?.status, 'alone again').toBe('active');
    const reposted = await run('alice', '/repost 1');
    expect([reposted.card?.offerId, reposted.card?.reply.text], 'the reposted offer closed the loop with bob').toEqual([3, 'Traded\nAccepted by bob']);
    expect([2, 3].map((id) => t.core.findOffer(id)?.status)).toEqual(['completed', 'completed']);
  });

  it('accepts and returns the updated card', async () => {
    await run('alice', '/post give 5 apple want 3 orange');
    const result = await run('bob', '/accept #1');
    expect(result.reply.text).toBe('Done! Trade #1 with alice (offer #1): you received 5 apple and gave 3 orange.');
    expect(result.card?.reply.text).toContain('Accepted by bob');
    expect(result.card?.reply.buttons).toEqual([]);
  });

  it.each([
    ['/post want 3 orange', 'Missing "give". Usage: /post give ITEMS want ITEMS [hours N] [to @member] [note TEXT]'],
    ['/post give 0 apple want 1 orange', '"0 apple": the quantity must be at least 1.'],
    ['/post give 1.5 apple want 1 orange', '"1.5 apple": items come in whole numbers; write a whole number from 1 to 1,000,000.'],
    ['/post give 2000000 apple want 1 orange', '"2000000 apple": at most 1,000,000 of one item at a time.'],
    ['/post give -2 apple want 1 orange', '"-2 apple": quantities cannot be negative; write a whole number from 1 to 1,000,000.'],
    ['/post give 5 appel want 1 orange', 'There is no item called "appel" here. Did you mean "apple"?'],
    ['/post give 50 apple want 1 orange', 'You need 40 more apple (you have 10).'],
    ['/post give 1 apple want 1 orange hours 1000', '"hours" must be a whole number from 1 to 720.'],
    ['/post give 1 apple give 2 apple want 1 orange', '"give" is given twice. Usage: /post give ITEMS want ITEMS [hours N] [to @member] [note TEXT]'],
    ['/post give 1 apple want 1 orange to @nobody', 'I have not seen @nobody in this market yet: ask them to send a message here first, or reply to one of their messages.'],
    ['/accept twelve', '"offer" must be an offer number, like 12.'],
    ['/accept 99', 'There is no offer #99 in this market. See the open offers with /market.'],
    ['/rate 1 9', '"stars" must be a whole number from 1 to 5.'],
    ['/admin grant @bob 5 apple', 'Only administrators of this group can do that.'],
  ])('%s is refused with one sentence', async (line, sentence) => {
    const before = t.core.audit().totals;
    const { reply } = await run('alice', line);
    expect(reply).toMatchObject({ text: sentence, tone: 'error', visibility: 'personal' });
    expect(t.core.audit().totals).toEqual(before);
  });

  it('lets an admin grant by @username, by reply, and add items', async () => {
    expect((await run('admin', '/admin grant @bob 2 apple')).reply.text).toBe('Granted 2 apple to bob.');
    const carol = { kind: 'user' as const, platformUserId: 'carol-1', displayName: 'Carol', username: 'carol' };
    expect((await run('admin', '/admin grant 3x pear', { replyTo: carol })).reply.text).toBe('Granted 3 pear to Carol.');
    expect((await run('admin', '/admin item-add Golden Apple emoji 🍏 description very shiny')).reply.text).toBe(
      'Added "Golden Apple" to the catalog (written "golden-apple" in commands).',
    );
    expect((await run('admin', '/admin grant @carol golden apple x2')).reply.text).toBe('Granted 2 🍏 Golden Apple to Carol.');
    expect((await run('admin', '/admin frobnicate')).reply.text).toBe('Use /admin with one of: item-add, item-edit, item-archive, item-unarchive, grant, revoke, remove-offer, ban, unban, config, log, audit, inventory, bans, review-hide, review-unhide.');
  });

  it('directs an offer at the author replied to when `to` stands alone, and only then', async () => {
    const carol = { kind: 'user' as const, platformUserId: 'carol-1', displayName: 'Carol', username: null };
    const directed = await run('alice', '/post give 1 apple want 1 orange to note for you', { replyTo: carol });
    expect(directed.reply.fields).toEqual(expect.arrayContaining([{ name: 'Only for', value: 'Carol' }, { name: 'Note', value: 'for you' }]));
    // An explicit name wins over the reply.
    const named = await run('alice', '/post give 1 apple want 1 orange to @bob', { replyTo: carol });
    expect(named.reply.fields).toContainEqual({ name: 'Only for', value: 'bob' });
    // Replying without `to` posts for everyone.
    const open = await run('alice', '/post give 1 apple want 1 orange', { replyTo: carol });
    expect(open.reply.fields?.map((field) => field.name)).not.toContain('Only for');
    // `to` alone with no reply names nobody: refused, nothing posted.
    const before = t.core.listMyOffers(t.member('alice').id).entries.length;
    const refused = await run('alice', '/post give 1 apple want 1 orange to');
    expect(refused.reply).toMatchObject({ text: messagesFor('en').argument('to', { problem: 'not_a_member' }), tone: 'error' });
    expect(t.core.listMyOffers(t.member('alice').id).entries).toHaveLength(before);
  });

  it('puts a text mention’s words back where the option is not a member', async () => {
    const dave = { kind: 'user' as const, platformUserId: 'dave-1', displayName: 'Dave Jones', shown: 'my neighbour' };
    const bob = { kind: 'user' as const, platformUserId: 'bob', displayName: 'bob' };
    const posted = await run('alice', '/post give 1 apple want 1 orange to @@1 note for @@0 and @@1, not @@7', { mentions: [dave, bob] });
    expect(posted.reply.fields).toEqual(expect.arrayContaining([{ name: 'Only for', value: 'bob' }, { name: 'Note', value: 'for my neighbour and bob, not @@7' }]));
    // Without the words it showed, the mention reads as the member's name.
    const { shown: _shown, ...unnamed } = dave;
    const again = await run('alice', '/post give 1 apple want 1 orange note ask @@0', { mentions: [unnamed] });
    expect(again.reply.fields).toContainEqual({ name: 'Note', value: 'ask Dave Jones' });
  });

  it('answers private matters privately', async () => {
    await run('alice', '/post give 4 apple want 1 orange');
    const { reply } = await run('alice', '/inventory');
    expect(reply.visibility).toBe('private');
    expect(reply.fields).toEqual([
      { name: 'You hold', value: '6 apple' },
      { name: 'Held in your open offers', value: '#1: 4 apple' },
    ]);
    expect((await run('alice', '/profile')).reply.visibility).toBe('private');
    expect((await run('alice', '/trades')).reply).toMatchObject({ visibility: 'private', text: 'You have no trades here yet.' });
  });
});

describe('refusals say what to do', () => {
  const text = async (name: string, line: string) => (await run(name, line)).reply.text;

  it('tells who may decline: the member the offer was made to', async () => {
    await run('alice', '/post give 1 apple want 1 orange');
    await run('alice', '/post give 1 apple want 1 orange to @bob');
    expect(await text('bob', '/decline 1')).toBe('Offer #1 is open to everyone, so there is nothing to decline: if you do not want it, just leave it.');
    expect(await text('alice', '/decline 1')).toBe('#1 is your own offer; to withdraw it, use /cancel 1.');
    expect(await text('carol', '/decline 2')).toBe('Offer #2 was made to another member, so only they can decline it. See the open offers with /market.');
    expect(await text('bob', '/decline 2')).toBe('You declined offer #2; its owner has their items back.');
  });

  it('points to the next step when an offer or trade is gone, or already rated', async () => {
    await run('alice', '/post give 1 apple want 1 orange');
    await run('bob', '/accept 1');
    expect(await text('carol', '/accept 1')).toBe('Offer #1 is no longer available (it is completed). See the open offers with /market.');
    await run('bob', '/rate 1 5');
    expect(await text('bob', '/rate 1 4')).toBe('You have already rated trade #1; each side rates once. See your other trades with /trades.');
    await run('alice', '/post give 1 apple want 1 orange hours 1');
    t.clock.advance(HOUR);
    expect(await text('bob', '/accept 2')).toBe('Offer #2 has expired; its owner gets the items back. See the open offers with /market.');
  });

  it('tells the owner who cancels an offer past its expiry that it had expired and the items are back', async () => {
    await run('alice', '/post give 4 apple want 1 orange hours 1');
    t.clock.advance(HOUR);
    expect(await text('alice', '/cancel 1')).toBe('Offer #1 had already expired, so there was nothing to cancel; 4 apple went back to your inventory.');
    expect(t.core.getOffer(t.market.id, 1)?.status).toBe('expired');
  });

  it('asks an admin for the reason of a removal, which the owner is told', async () => {
    await run('alice', '/post give 1 apple want 1 orange');
    expect(await text('admin', '/admin remove-offer 1')).toBe('Missing "reason". Usage: /admin remove-offer OFFER REASON');
    expect(await text('admin', '/admin remove-offer 1 duplicate listing')).toBe('Offer #1 is removed and alice has their items back.');
  });

  it('refuses an item name /post could not read back, and the dashed name it suggests works', async () => {
    expect(await text('admin', '/admin item-add Ticket to Ride')).toBe(
      '"Ticket to Ride" cannot be an item name: "to" is a command word, so /post would read it as one. Join the words with dashes instead, like "Ticket-to-Ride".',
    );
    await run('admin', '/admin item-add Ticket-to-Ride');
    const posted = await run('alice', '/post give 1 apple want 1 Ticket-to-Ride');
    expect(posted.reply.fields).toContainEqual({ name: 'Wants', value: '1 Ticket-to-Ride' });
  });
});

describe('/help', () => {
  const help = async (name: string, platform: 'telegram' | 'discord', extra: Partial<CommandContext> = {}) => {
    const definition = findCommand('help');
    if (!definition) throw new Error('no /help');
    const { reply } = await executeText({ ...as(name), capabilities: platform === 'telegram' ? TELEGRAM : DISCORD, ...extra }, definition, '');
    const adminPart = reply.fields?.find((field) => field.name === en.help.adminTitle)?.value;
    return { text: reply.text, adminPart, reply };
  };
  const en = messagesFor('en');

  it('shows Telegram the typed grammar, and /markets for the private chat', async () => {
    const { text, adminPart } = await help('admin', 'telegram');
    expect(text).toContain(`/post give ITEMS want ITEMS [hours N] [to @member] [note TEXT] — ${en.commands['post']?.description}`);
    expect(text).toContain('/accept OFFER — ');
    expect(text).toContain('/rate TRADE 1-5 [TEXT] — ');
    expect(text).toContain(`/markets [NUMBER] — ${en.commands['markets']?.description}`);
    expect(text).toContain(`/start [LINK] — ${en.commands['start']?.description}`);
    expect(adminPart).toContain(`/admin grant @member ITEMS [reason WHY] — ${en.commands['admin grant']?.description}`);
    expect(adminPart).not.toContain('member:');
  });

  it('shows Discord its slash commands with their option names, and no typed grammar', async () => {
    const { text, adminPart } = await help('admin', 'discord');
    expect(text).toContain(`/post give: want: [hours:] [to:] [note:] — ${en.commands['post']?.description}`);
    expect(text).toContain('/accept offer: — ');
    expect(text).toContain('/rate trade: stars: [comment:] — ');
    expect(text).toContain('/market [item:] — ');
    expect(text).not.toMatch(/ITEMS|@member|OFFER|\/markets|\/start/);
    expect(adminPart).toContain(`/admin grant member: items: [reason:] — ${en.commands['admin grant']?.description}`);
    expect(adminPart).toContain('/admin item-edit item: [name:] [emoji:] [description:] — ');
    expect(adminPart).not.toContain('ITEMS');
  });

  it('shows the administrators’ part only to administrators', async () => {
    expect((await help('alice', 'telegram')).adminPart).toBeUndefined();
    expect((await help('alice', 'discord')).adminPart).toBeUndefined();
  });

  it('answers as to a member when the platform cannot tell whether they are an admin, and logs why', async () => {
    const logged: unknown[][] = [];
    const failure = new Error('Call to getChatMember failed! (400: Bad Request: chat not found)');
    const { text, adminPart, reply } = await help('admin', 'telegram', {
      isAdmin: async () => {
        throw failure;
      },
      log: { warn: (...args: unknown[]) => void logged.push(args) } as CommandContext['log'],
    });
    expect(reply.tone).toBe('info');
    expect(text).toContain('/post give ITEMS want ITEMS');
    expect(adminPart).toBeUndefined();
    expect(logged).toEqual([[expect.objectContaining({ err: failure }), expect.stringContaining('admin check failed')]]);
  });
});

describe('the command catalog', () => {
  it('takes every command and option description from the message catalog', async () => {
    const { commands, describeCommands } = await import('../../commands/index.js');
    const { isGroup } = await import('../../commands/definition.js');
    for (const command of commands) {
      expect(command.description.length).toBeGreaterThan(0);
      for (const definition of isGroup(command) ? command.subcommands : [command]) {
        expect(definition.description.length, definition.name).toBeGreaterThan(0);
        for (const option of Object.values(definition.options)) expect(option.spec.description.length, `${definition.name} ${option.spec.name}`).toBeGreaterThan(0);
      }
    }
    const en = messagesFor('en');
    const { post: _missing, ...withoutPost } = en.commands;
    expect(() => describeCommands(commands, { ...en, commands: withoutPost })).toThrow('the message catalog has no words for command "post"');
  });
});

describe('/counter', () => {
  it('posts a counter card with the thread and the Counter button, and says the public original stays open', async () => {
    await run('alice', '/post give 5 apple want 3 orange');
    const { reply } = await run('bob', '/counter 1 give 2 orange want 5 apple note that is all I have');
    expect(reply.title).toBe('Offer #2');
    expect(reply.text.split('\n')[0]).toBe('Counter #2 to offer #1 is made to alice, who is told. Offer #1 stays open to everyone meanwhile.');
    expect(reply.fields).toEqual(
      expect.arrayContaining([
        { name: 'Only for', value: 'alice' },
        { name: 'Counter to', value: '#1' },
        { name: 'Note', value: 'that is all I have' },
      ]),
    );
    expect(reply.buttons?.map((b) => b.label)).toEqual(['Accept', 'Details', 'Decline', 'Counter', 'Cancel']);
  });

  it('shows the whole thread on a counter to a counter', async () => {
    await run('alice', '/post give 5 apple want 3 orange');
    await run('bob', '/counter 1 give 2 orange want 5 apple');
    const { reply } = await run('alice', '/counter 2 give 4 apple want 2 orange');
    expect(reply.text.split('\n')[0]).toBe('Counter #3 to offer #2 is made to bob, who is told. Offer #2 is closed: your counter replaces it.');
    expect(reply.fields).toContainEqual({ name: 'Counter to', value: '#1 → #2' });
  });

  it('answers the Counter button, or a counter without items, with how to counter that offer', async () => {
    await run('alice', '/post give 5 apple want 3 orange');
    expect((await run('bob', '/counter 1')).reply.text).toBe('To counter #1, say what you give and want instead: /counter 1 give ITEMS want ITEMS [note TEXT]');
    expect((await run('bob', '/counter 1 give 2 orange')).reply.text).toContain('/counter 1 give ITEMS want ITEMS');
    const slash = await executeText({ ...as('bob'), capabilities: DISCORD }, findCommand('counter')!, '1');
    expect(slash.reply.text).toBe('To counter #1, say what you give and want instead: /counter offer:1 give: want: [note:]');
    expect(t.core.listMyOffers(t.member('bob').id).entries).toEqual([]);
  });

  it('refuses a counter to your own offer in one sentence', async () => {
    await run('alice', '/post give 5 apple want 3 orange');
    const { reply } = await run('alice', '/counter 1 give 1 apple want 1 orange');
    expect(reply).toMatchObject({ tone: 'error', text: '#1 is your own offer, so you cannot counter it; to change it, cancel it (/cancel 1) and post again.' });
  });

  it('accepting a counter says what became of the original’s items', async () => {
    await run('alice', '/post give 5 apple want 3 orange');
    await run('bob', '/counter 1 give 2 orange want 4 apple');
    const { reply } = await run('alice', '/accept 2');
    expect(reply.text).toBe(
      'Done! Trade #1 with bob (offer #2): you received 2 orange and gave 4 apple. Your offer #1 is closed: 4 apple from it went toward this trade and 1 apple went back to your inventory.',
    );
  });
});
