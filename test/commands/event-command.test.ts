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
});
