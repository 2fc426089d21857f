// The admins' tools as admins use them: /admin log (paged, by member), /admin audit, /admin
// inventory, /admin bans, and /admin item-archive's refusal; members are refused every one.
// Presses are run the way both adapters run them: the payload read back strictly, then as typed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonPayload, type Reply, type ReplyButton } from '../../commands/definition.js';
import { executeText, findCommand, type CommandContext, type CommandResult } from '../../commands/index.js';
import { messagesFor } from '../../commands/messages/index.js';
import { parseButtonPayload } from '../../commands/press.js';
import { renderHtml } from '../../src/adapters/telegram/render.js';
import { escapeText, renderEmbed } from '../../src/adapters/discord/render.js';
import type { MemberRef } from '../../src/core/types.js';
import { createTestMarket, HOUR, items, unwrap, type TestMarket } from '../support/market.js';

const en = messagesFor('en');
let t: TestMarket;
let admin: MemberRef, alice: MemberRef, bob: MemberRef;

const as = (member: MemberRef): CommandContext => ({
  core: t.core,
  t: en,
  capabilities: { syntax: 'text', ephemeral: false, privateMarkets: true },
  market: t.market,
  member,
  isAdmin: async () => member.displayName === 'admin',
});
async function run(member: MemberRef, line: string): Promise<CommandResult> {
  const [, name = '', rest = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
  return executeText(as(member), findCommand(name)!, rest);
}
const reply = async (member: MemberRef, line: string) => (await run(member, line)).reply;
const button = (shown: Reply, label: string) => shown.buttons?.find((b) => b.label === label);
async function press(member: MemberRef, pressed: ReplyButton): Promise<Reply> {
  const call = parseButtonPayload(buttonPayload(pressed));
  expect(call, buttonPayload(pressed)).toBeDefined();
  return (await executeText(as(member), call!.command, call!.args.join(' '))).reply;
}
const refusedWith = (text: string) => ({ text, tone: 'error', visibility: 'personal' });

beforeEach(() => {
  t = createTestMarket({ items: ['apple', 'orange', 'pear'] });
  [admin, alice, bob] = [t.member('admin'), t.member('alice'), t.member('bob')];
});
afterEach(() => t.cleanup());

describe('/admin log', () => {
  it('says who did what, when and why, newest first, and pages with buttons that name the group', async () => {
    await run(admin, '/admin grant @alice 5 apple, 2 pear reason won the spring raffle');
    t.clock.advance(HOUR);
    const offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 1]), want: items(['orange', 1]) }));
    await run(admin, `/admin remove-offer ${offer.id} looks like spam`);
    await run(admin, '/admin ban @alice scamming');
    await run(admin, '/admin config loops off');
    await run(admin, '/admin item-edit pear name Pear emoji 🍐');

    const first = await reply(admin, '/admin log');
    expect(first).toMatchObject({ title: 'Moderation log', visibility: 'personal' });
    const lines = first.text.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '2026-11-21 13:00 UTC · admin edited "Pear": name "pear" → "Pear", emoji none → "🍐"',
      '2026-11-21 13:00 UTC · admin set loops from on to off',
      '2026-11-21 13:00 UTC · admin banned alice — why: scamming',
      `2026-11-21 13:00 UTC · admin removed offer #${offer.id} of alice — why: looks like spam`,
      '2026-11-21 12:00 UTC · admin granted alice 5 apple, 2 pear — why: won the spring raffle',
    ]);
    expect(lines.at(-1)).toBe('2026-11-21 12:00 UTC · The operator added "apple" to the catalog');
    expect(first.buttons).toBeUndefined();

    for (let i = 0; i < 12; i += 1) await run(admin, `/admin grant @bob ${i + 1} orange`);
    const page1 = await reply(admin, '/admin log');
    expect(page1.text.split('\n')).toHaveLength(10);
    expect(page1.shows).toEqual({ subject: { kind: 'list', command: 'admin log' }, follows: false });
    const next = button(page1, en.list.next)!;
    expect(buttonPayload(next)).toMatch(/^admin log page after-\d+$/);
    const page2 = await press(admin, next);
    expect(page2.text.split('\n')[0]).toBe('2026-11-21 13:00 UTC · admin granted bob 2 orange');
    const back = await press(admin, button(page2, en.list.previous)!);
    expect(back.text).toBe(page1.text);
  });

  it('shows one member’s entries, and its page buttons keep the member', async () => {
    for (let i = 0; i < 11; i += 1) await run(admin, `/admin grant @bob ${i + 1} orange`);
    await run(admin, '/admin grant @alice 1 apple');
    const first = await reply(admin, '/admin log @bob');
    expect(first.title).toBe('Moderation log: bob');
    expect(first.text).not.toContain('alice');
    const next = button(first, en.list.next)!;
    expect(buttonPayload(next)).toMatch(new RegExp(`^admin log member-number ${bob.id} page after-\\d+$`));
    const second = await press(admin, next);
    expect(second.text).toBe('2026-11-21 12:00 UTC · admin granted bob 1 orange');
    expect(await reply(admin, '/admin log @alice')).toMatchObject({ title: 'Moderation log: alice', text: expect.stringContaining('granted alice 1 apple') });
    expect(await reply(admin, '/admin log @carol')).toMatchObject(refusedWith(en.unknownMember('carol')));
  });

  it('refuses members, typed or pressed, and a button naming a member of no market here', async () => {
    for (let i = 0; i < 11; i += 1) await run(admin, `/admin grant @bob ${i + 1} orange`);
    const next = button(await reply(admin, '/admin log'), en.list.next)!;
    expect(await reply(alice, '/admin log')).toMatchObject(refusedWith(en.adminOnly));
    expect(await press(alice, next)).toMatchObject(refusedWith(en.adminOnly));
    const forged = { ...next, args: ['member-number', '99999', ...next.args] };
    expect(await press(admin, forged)).toMatchObject(refusedWith(en.adminTools.log.unknownMember));
    // Only the lists of the group are pressable: an admin action never runs from a button.
    expect(parseButtonPayload('admin grant 5 apple')).toBeUndefined();
    expect(parseButtonPayload('admin config loops off')).toBeUndefined();
    expect(parseButtonPayload('admin log page after-1')).toMatchObject({ path: 'admin log', args: ['log', 'page', 'after-1'] });
  });
});

describe('/admin audit', () => {
  it('answers OK when every item adds up, and names each difference when not', async () => {
    await run(admin, '/admin grant @alice 5 apple');
    expect(await reply(admin, '/admin audit')).toMatchObject({
      title: 'Audit',
      text: 'OK: 1 ledger rows replayed, and every one of the 3 items adds up (grants − revokes = inventories + escrow).',
      tone: 'success',
    });
    t.db.sqlite.prepare('UPDATE inventories SET quantity = 7 WHERE member_id = ?').run(alice.id);
    const found = await reply(admin, '/admin audit');
    expect(found.title).toBe('Audit: 2 differences');
    expect(found.text.split('\n')).toEqual(['alice holds 7 apple; the ledger says 5.', 'apple: 7 in inventories and escrow, but grants minus revokes are 5.', '', en.adminTools.audit.advice]);
    expect(await reply(bob, '/admin audit')).toMatchObject(refusedWith(en.adminOnly));
  });

  it('audits this market only', async () => {
    const other = t.core.ensureMarket({ platform: 'telegram', platformMarketId: '-200', title: 'Other' });
    unwrap(t.core.addItem(other.id, null, { name: 'plum' }));
    const carol = t.core.ensureMember({ marketId: other.id, platformUserId: '900', displayName: 'carol', username: 'carol' });
    unwrap(t.core.grantItems(other.id, carol.id, carol.id, items(['plum', 3])));
    t.db.sqlite.prepare('UPDATE inventories SET quantity = 1 WHERE member_id = ?').run(carol.id);
    expect((await reply(admin, '/admin audit')).title).toBe('Audit');
    expect(t.core.audit(other.id).ok).toBe(false);
  });
});

describe('/admin inventory', () => {
  it('shows what the member holds and what their offers and settlements hold, privately', async () => {
    expect(await reply(admin, '/admin inventory @alice')).toMatchObject({ text: 'alice holds no items and has nothing in escrow.', visibility: 'private' });
    await run(admin, '/admin grant @alice 5 apple');
    await run(admin, '/admin grant @bob 3 orange');
    unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 2]), want: items(['orange', 1]) }));
    await run(admin, '/admin config settlement confirm');
    const settled = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: bob.id, give: items(['orange', 1]), want: items(['apple', 1]) }));
    const { trade } = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: settled.id, takerId: alice.id }));
    const shown = await reply(admin, '/admin inventory @alice');
    expect(shown).toMatchObject({ title: 'Inventory of alice', visibility: 'private' });
    expect(shown.fields).toEqual([
      { name: 'Holds', value: '2 apple' },
      { name: 'In escrow in open offers', value: expect.stringMatching(/^#\d+: 2 apple$/) },
      { name: 'In escrow in trades being settled', value: `held for trade #${trade.id}: 1 apple` },
    ]);
    // An entry in a math-trade event holds its items until the close: shown apart, to the admin and the member.
    unwrap(t.core.openEvent({ marketId: t.market.id, adminId: admin.id, name: 'Swap' }));
    const entry = unwrap(t.core.addEntry({ marketId: t.market.id, memberId: alice.id, items: [{ name: 'apple', quantity: 2 }] }));
    expect((await reply(admin, '/admin inventory @alice')).fields).toEqual([
      { name: 'Holds', value: 'nothing outside escrow' },
      { name: 'In escrow in open offers', value: expect.stringMatching(/^#\d+: 2 apple$/) },
      { name: 'In escrow in trades being settled', value: `held for trade #${trade.id}: 1 apple` },
      { name: 'In escrow in open math-trade entries', value: `entry #${entry.id}: 2 apple` },
    ]);
    expect((await reply(alice, '/inventory')).fields?.at(-1)).toEqual({ name: 'Held in math-trade entries (until the close, or /event withdraw)', value: `entry #${entry.id}: 2 apple` });
    expect(await reply(admin, '/admin inventory')).toMatchObject({ tone: 'error', text: expect.stringContaining('/admin inventory @member') });
    expect(await reply(alice, '/admin inventory @bob')).toMatchObject(refusedWith(en.adminOnly));
  });
});

describe('/admin bans', () => {
  it('lists the banned, newest ban first, with date and reason, paged; and says when nobody is', async () => {
    expect(await reply(admin, '/admin bans')).toMatchObject({ title: 'Banned members', text: 'Nobody is banned in this market.' });
    for (let i = 0; i < 12; i += 1) {
      await run(admin, `/admin ban @${t.member(`m${String(i).padStart(2, '0')}`).username} ${i % 2 ? 'spam' : ''}`);
      t.clock.advance(HOUR);
    }
    const first = await reply(admin, '/admin bans');
    expect(first.text.split('\n').slice(0, 2)).toEqual(['m11 · since 2026-11-21 23:00 UTC — why: spam', 'm10 · since 2026-11-21 22:00 UTC — no reason given']);
    const second = await press(admin, button(first, en.list.next)!);
    expect(second.text.split('\n')).toEqual(['m01 · since 2026-11-21 13:00 UTC — why: spam', 'm00 · since 2026-11-21 12:00 UTC — no reason given']);
    await run(admin, '/admin unban @m11');
    expect((await reply(admin, '/admin bans')).text).not.toContain('m11');
    expect(await reply(bob, '/admin bans')).toMatchObject(refusedWith(en.adminOnly));
  });
});

describe('/admin item-archive', () => {
  it('refuses an item in use with one sentence saying who has it and what to do', async () => {
    for (const name of ['alice', 'bob', 'carol', 'dora']) await run(admin, `/admin grant @${t.member(name).username} 1 pear`);
    const offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['pear', 1]), want: items(['apple', 1]) }));
    expect(await reply(admin, '/admin item-archive pear')).toMatchObject(
      refusedWith(
        `"pear" cannot be archived while 3 members hold it (bob, carol, dora) and 1 open offer names it (#${offer.id}): revoke it with /admin revoke and remove those offers with /admin remove-offer, then archive it again.`,
      ),
    );
    expect(t.core.findItem(t.market.id, 'pear')?.archivedAt).toBeNull();
    await run(admin, `/admin remove-offer ${offer.id} archiving pears`);
    for (const name of ['alice', 'bob', 'carol', 'dora']) await run(admin, `/admin revoke @${t.member(name).username} 1 pear`);
    expect(await reply(admin, '/admin item-archive pear')).toMatchObject({ tone: 'success', text: expect.stringContaining('"pear" is archived') });
    expect((await reply(admin, '/admin log')).text.split('\n')[0]).toMatch(/admin archived "pear"$/);
  });
});

describe('/help', () => {
  it('lists the admin tools in fields Discord takes whole (1,024 characters each)', async () => {
    for (const syntax of ['text', 'slash'] as const) {
      const ctx = { ...as(admin), capabilities: { syntax, ephemeral: syntax === 'slash', privateMarkets: syntax === 'text' } };
      const help = (await executeText(ctx, findCommand('help')!, '')).reply;
      const fields = help.fields ?? [];
      const all = fields.map((field) => field.value).join('\n');
      for (const name of ['log', 'audit', 'inventory', 'bans', 'item-archive']) expect(all).toContain(`/admin ${name}`);
      for (const field of fields) expect(field.value.length, field.name).toBeLessThanOrEqual(1024);
      const embed = renderEmbed(help).data;
      for (const field of fields) expect(embed.fields?.find((f) => f.name === escapeText(field.name))?.value).toBe(escapeText(field.value));
      expect(renderHtml(help).length).toBeLessThanOrEqual(4096);
    }
  });
});
