// `/event` as typed: actions, and words an action does not take, refused with one sentence and nothing changed.
import { afterEach, describe, expect, it } from 'vitest';
import { executeText, findCommand } from '../../commands/index.js';
import type { CommandContext } from '../../commands/definition.js';
import { en } from '../../commands/messages/en.js';
import type { MemberRef } from '../../src/core/types.js';
import { createTestMarket, unwrap, type TestMarket } from '../support/market.js';

let t: TestMarket;
afterEach(() => t?.cleanup());

const as = (member: MemberRef, admin = false): CommandContext => ({
  core: t.core,
  t: en,
  capabilities: { syntax: 'text', ephemeral: false, privateMarkets: true },
  market: t.market,
  member,
  chatId: '-100',
  isAdmin: async () => admin,
});
const run = async (member: MemberRef, text: string, admin = false) => (await executeText(as(member, admin), findCommand('event')!, text)).reply;

describe('/event typed', () => {
  it('refuses words an action does not take, and changes nothing', async () => {
    t = createTestMarket();
    const ada = t.member('ada');
    const alice = t.member('alice');
    unwrap(t.core.grantItems(t.market.id, ada.id, alice.id, [{ name: 'apple', quantity: 3 }]));
    expect((await run(ada, 'close', true)).text).toBe('There is no math-trade event open in this market now; an admin opens one with /event open NAME.');
    const fromPrivate = await executeText({ ...as(ada, true), inPrivate: true }, findCommand('event')!, 'open Swap');
    expect(fromPrivate.reply).toMatchObject({ tone: 'error', text: "Open the event in the market's group or channel, not here: its result is posted where it was opened." });
    expect(t.core.eventOverview(t.market.id, ada.id).ok).toBe(false);
    expect((await run(ada, 'open Swap', true)).tone).toBe('success');
    expect(await run(alice, 'add 1 apple hours 3')).toMatchObject({ tone: 'error', text: 'Only /event open takes hours (how long the event runs).' });
    expect(await run(alice, 'list everything')).toMatchObject({ tone: 'error', text: '/event list takes nothing more; leave out "everything".' });
    expect(await run(alice, 'wants')).toMatchObject({ tone: 'error' });
    expect(await run(alice, 'withdraw twelve')).toMatchObject({ tone: 'error', text: '"twelve" is not an entry number; write it like "/event wants 3 12, 15".' });
    expect(await run(alice, 'add 4 apple')).toMatchObject({ tone: 'error' });
    expect(t.core.getInventory(alice.id).holdings.map((h) => h.quantity)).toEqual([3]);
    expect(await run(alice, 'add 2 apple')).toMatchObject({ tone: 'success', visibility: 'private' });
    expect((await run(alice, 'dance')).tone).toBe('error');
  });

  it('shows a long list of entries and wants shortened, saying how many more and where to see them all', async () => {
    t = createTestMarket();
    const ada = t.member('ada');
    const alice = t.member('alice');
    const bob = t.member('bob');
    unwrap(t.core.grantItems(t.market.id, ada.id, alice.id, [{ name: 'pear', quantity: 15 }]));
    unwrap(t.core.grantItems(t.market.id, ada.id, bob.id, [{ name: 'apple', quantity: 40 }]));
    await run(ada, 'open Swap', true);
    const bobs = Array.from({ length: 40 }, () => unwrap(t.core.addEntry({ marketId: t.market.id, memberId: bob.id, items: [{ name: 'apple', quantity: 1 }] })).id);
    for (let i = 0; i < 15; i += 1) {
      const entry = unwrap(t.core.addEntry({ marketId: t.market.id, memberId: alice.id, items: [{ name: 'pear', quantity: 1 }] })).id;
      unwrap(t.core.setWants({ marketId: t.market.id, memberId: alice.id, entryId: entry, wants: [bobs.map(String)] }));
    }
    const shown = await run(alice, 'show');
    const lines = shown.text.split('\n');
    expect(shown.text.length).toBeLessThan(3000);
    expect(lines.filter((line) => line.startsWith('#'))).toHaveLength(12);
    expect(lines.find((line) => line.startsWith('#'))).toMatch(/^#\d+ 1 pear \(open\): would take #1, #2, .* and \d+ more$/);
    expect(lines.at(-1)).toBe('… and 3 more of your entries: /event export gives every entry with all its wants.');
  });
});
