// Issue 10, confirm settlement at the command level: /admin config, /trade, /confirm, /reject,
// /withdraw and /trades with a filter, run from text as a member types them, on a real core.
// What each viewer reads and which buttons they get; every refusal is one sentence that changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeText, findCommand, type CommandContext, type CommandResult, type Reply } from '../../commands/index.js';
import { messagesFor } from '../../commands/messages/index.js';
import { tradeState } from '../support/db-snapshot.js';
import { checkInvariants } from '../support/invariants.js';
import { HOUR, createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

const TELEGRAM = { syntax: 'text', ephemeral: false, privateMarkets: true } as const;

let t: TestMarket;
const admins = new Set(['admin']);

const as = (name: string): CommandContext => ({
  core: t.core,
  t: messagesFor('en'),
  capabilities: TELEGRAM,
  market: t.market,
  member: t.member(name),
  isAdmin: async () => admins.has(name),
});
const run = (name: string, line: string): Promise<CommandResult> => {
  const [, command = '', rest = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
  const definition = findCommand(command);
  if (!definition) throw new Error(`no command ${command}`);
  return executeText(as(name), definition, rest);
};
const text = async (name: string, line: string) => (await run(name, line)).reply.text;
const buttons = (reply: Reply | undefined) => reply?.buttons?.map((b) => [b.label, `${b.command} ${b.args.join(' ')}`]) ?? [];
const holds = (name: string) => Object.fromEntries(t.core.getInventory(t.member(name).id).holdings.map((h) => [h.item.slug, h.quantity]));

/** A refusal: one sentence to the member alone, and nothing in the database changed. */
async function refused(name: string, line: string): Promise<string> {
  const before = tradeState(t.db);
  const settings = t.core.listMarketSettings(t.market.id);
  const { reply, card } = await run(name, line);
  expect(reply).toMatchObject({ tone: 'error', visibility: 'personal' });
  expect(reply.buttons ?? []).toEqual([]);
  expect(card).toBeUndefined();
  expect(tradeState(t.db)).toEqual(before);
  expect(t.core.listMarketSettings(t.market.id)).toEqual(settings);
  return reply.text;
}

beforeEach(() => {
  t = createTestMarket();
  unwrap(t.core.grantItems(t.market.id, t.member('admin').id, t.member('alice').id, items(['apple', 10])));
  unwrap(t.core.grantItems(t.market.id, t.member('admin').id, t.member('bob').id, items(['orange', 10])));
  unwrap(t.core.grantItems(t.market.id, t.member('admin').id, t.member('carol').id, items(['orange', 10])));
});
afterEach(() => {
  checkInvariants(t);
  t.cleanup();
});

describe('/admin config', () => {
  it('lists the settings with their defaults, to the admin alone', async () => {
    const { reply } = await run('admin', '/admin config');
    expect(reply).toMatchObject({ title: 'Market settings', visibility: 'personal', tone: 'info' });
    expect(reply.text).toBe(
      [
        'settlement: instant (default)',
        'accept-hours: 24 (default)',
        'confirm-hours: 72 (default)',
        'receipt-hours: 72 (default)',
        'loops: on (default)',
        'event-max-loop: none (default)',
        // Limits show with their units; this test market allows more than the defaults (support/market.ts).
        'rate-commands: 10000 commands',
        'rate-seconds: 30 seconds (default)',
        'max-open-offers: 100000 offers',
        'newcomer-hours: off (default)',
        'account-days: off (default)',
        'Change one with /admin config SETTING VALUE, like "/admin config settlement confirm".',
      ].join('\n'),
    );
  });

  it('sets a setting for everyone to see, and the listing follows', async () => {
    expect((await run('admin', '/admin config settlement confirm')).reply).toMatchObject({
      text: 'settlement is now confirm. Trades already in settlement keep their deadlines.',
      visibility: 'public',
    });
    expect(await text('admin', '/admin config accept-hours 6')).toBe('accept-hours is now 6. Trades already in settlement keep their deadlines.');
    expect((await text('admin', '/admin config')).split('\n').slice(0, 4)).toEqual(['settlement: confirm', 'accept-hours: 6', 'confirm-hours: 72 (default)', 'receipt-hours: 72 (default)']);
    expect(t.core.marketSettings(t.market.id)).toMatchObject({ settlement: 'confirm', acceptHours: 6 });
  });

  it('says what a setting takes when it is named without a value', async () => {
    expect(await text('admin', '/admin config accept-hours')).toBe('accept-hours takes a whole number of hours from 1 to 720.');
    expect(await text('admin', '/admin config settlement')).toBe('settlement takes instant or confirm.');
  });

  it.each([
    ['admin', '/admin config accept-hours 0', '"0" is not a value for accept-hours: use a whole number of hours from 1 to 720.'],
    ['admin', '/admin config receipt-hours 721', '"721" is not a value for receipt-hours: use a whole number of hours from 1 to 720.'],
    ['admin', '/admin config confirm-hours soon', '"soon" is not a value for confirm-hours: use a whole number of hours from 1 to 720.'],
    ['admin', '/admin config settlement sometimes', '"sometimes" is not a value for settlement: use instant, confirm.'],
    ['alice', '/admin config', 'Only administrators of this group can do that.'],
    ['alice', '/admin config settlement confirm', 'Only administrators of this group can do that.'],
  ])('%s: %s is refused in one sentence, nothing set', async (name, line, sentence) => {
    expect(await refused(name, line)).toBe(sentence);
  });

  it('refuses a setting that does not exist, naming the ones that do', async () => {
    expect(await refused('admin', '/admin config colour blue')).toMatch(/^"setting" must be one of: settlement, accept-hours, confirm-hours, receipt-hours/);
  });
});

describe('a confirm settlement, command by command', () => {
  beforeEach(async () => {
    await run('admin', '/admin config settlement confirm');
    await run('alice', '/post give 2 apple want 3 orange');
  });

  it('goes pending, accepted, handed over and completed, each viewer seeing their own next step', async () => {
    const taken = await run('bob', '/accept 1');
    expect(taken.reply).toMatchObject({
      text: 'You took offer #1: trade #1 is pending until alice accepts you (within 24 h). Your 3 orange are held until the trade completes or falls through.',
      visibility: 'private',
    });
    expect(buttons(taken.reply)).toEqual([['Withdraw', 'withdraw 1']]);
    expect(taken.reply.shows).toEqual({ subject: { kind: 'trade', id: 1 }, follows: false });
    expect(taken.card?.reply.text).toBe('Being settled\nAccepted by bob');
    expect(taken.card?.reply.buttons).toEqual([]);
    expect(holds('bob')).toEqual({ orange: 7 });
    expect(holds('alice')).toEqual({ apple: 8 });
    // /inventory shows what the trade holds, apart from what the member holds.
    expect((await run('bob', '/inventory')).reply.fields).toEqual([
      { name: 'You hold', value: '7 orange' },
      { name: 'Held for trades', value: 'held for trade #1: 3 orange' },
    ]);
    // Nobody else can take it meanwhile.
    expect(await refused('carol', '/accept 1')).toBe('Offer #1 is being settled with another member, so it cannot be taken or countered now. See the open offers with /market.');

    // /trade: the card, with each party's own next step; a stranger is refused.
    const ownerCard = (await run('alice', '/trade 1')).reply;
    expect(ownerCard).toMatchObject({ title: 'Trade #1', text: 'Pending: waiting for the owner to accept the taker', visibility: 'private' });
    expect(ownerCard.fields).toEqual([
      { name: 'Offer', value: '#1' },
      { name: 'Owner', value: 'alice' },
      { name: 'Taker', value: 'bob' },
      { name: 'Owner gives', value: '2 apple' },
      { name: 'Taker gives', value: '3 orange' },
      { name: 'Next step due', value: 'in 24 h' },
    ]);
    expect(buttons(ownerCard)).toEqual([['Accept taker', 'confirm 1'], ['Reject', 'reject 1']]);
    expect(buttons((await run('bob', '/trade 1')).reply)).toEqual([['Withdraw', 'withdraw 1']]);
    expect(await refused('carol', '/trade 1')).toBe('You were not part of trade #1. See your own trades with /trades.');

    // The taker cannot take the owner's step; a stranger cannot take any.
    expect(await refused('bob', '/confirm 1')).toBe('Trade #1 waits for the owner to accept you; you will get a message when they do (or /withdraw 1 to leave it).');
    expect(await refused('carol', '/confirm 1')).toBe('You were not part of trade #1. See your own trades with /trades.');
    expect(await refused('bob', '/reject 1')).toBe('Only the owner of the offer can reject the taker of trade #1; to leave it, use /withdraw 1.');

    const accepted = await run('alice', '/confirm 1');
    expect(accepted.reply.text).toBe('You accepted bob for trade #1. Hand the items over, then confirm the handover with /confirm 1 (within 3 d).');
    expect(buttons(accepted.reply)).toEqual([['Confirm handover', 'confirm 1'], ['Withdraw', 'withdraw 1']]);
    expect(accepted.card).toBeUndefined();
    expect((await run('bob', '/trade 1')).reply.text).toBe('Accepted: waiting for the owner to confirm the handover');
    expect(buttons((await run('bob', '/trade 1')).reply)).toEqual([['Withdraw', 'withdraw 1']]);
    expect(await refused('alice', '/reject 1')).toBe('You have already accepted the taker of trade #1; to leave it before the handover, use /withdraw 1.');
    expect(await refused('bob', '/confirm 1')).toBe(
      'Trade #1 waits for the owner to confirm the handover; confirm receipt once they have (or /withdraw 1 to leave it).',
    );

    const handedOver = await run('alice', '/confirm 1');
    expect(handedOver.reply.text).toBe('You confirmed the handover of trade #1; bob confirms receipt, or it completes by itself in 3 d.');
    expect(buttons(handedOver.reply)).toEqual([]);
    expect(buttons((await run('alice', '/trade 1')).reply)).toEqual([]);
    expect(buttons((await run('bob', '/trade 1')).reply)).toEqual([['Confirm receipt', 'confirm 1']]);
    expect(await refused('alice', '/withdraw 1')).toBe(
      'The handover of trade #1 is confirmed, so it can no longer be withdrawn; it completes when the taker confirms receipt or their time runs out.',
    );
    expect(await refused('bob', '/withdraw 1')).toContain('can no longer be withdrawn');
    expect(await refused('alice', '/confirm 1')).toBe('Trade #1 waits for the taker to confirm receipt; it completes by itself if they do not in time.');
    // Nothing has moved until the taker confirms receipt.
    expect(holds('bob')).toEqual({ orange: 7 });
    expect(holds('alice')).toEqual({ apple: 8 });

    const completed = await run('bob', '/confirm 1');
    expect(completed.reply.text).toBe('Trade #1 is complete: you received 2 apple and gave 3 orange. Rate it with /rate 1 5.');
    expect(buttons(completed.reply).map(([, command]) => command)).toEqual(['rate 1 1', 'rate 1 2', 'rate 1 3', 'rate 1 4', 'rate 1 5']);
    expect(completed.card?.reply.text).toBe('Traded\nAccepted by bob');
    expect(holds('bob')).toEqual({ orange: 7, apple: 2 });
    expect(holds('alice')).toEqual({ apple: 8, orange: 3 });
    expect((await run('alice', '/trade 1')).reply).toMatchObject({ text: 'Completed', buttons: [] });
    expect(await refused('bob', '/confirm 1')).toBe('Trade #1 is already complete; there is nothing left to confirm. Rate it with /rate 1 5.');
    // ... and the command it suggests works as typed.
    expect(await text('bob', '/rate 1 5')).toBe('You gave alice ★★★★★ for trade #1. Thank you!');
  });

  it('rejects: the taker has their items back and the offer is open again', async () => {
    await run('bob', '/accept 1');
    const rejected = await run('alice', '/reject 1');
    expect(rejected.reply.text).toBe('You rejected the taker of trade #1; offer #1 is open again.');
    expect(buttons(rejected.reply)).toEqual([]);
    expect(rejected.card?.reply.text).toBe('Open');
    expect(buttons(rejected.card?.reply)).toEqual([['Accept', 'accept 1'], ['Details', 'offer 1'], ['Cancel', 'cancel 1']]);
    expect(holds('bob')).toEqual({ orange: 10 });
    expect(await refused('bob', '/withdraw 1')).toBe('Trade #1 was cancelled (the owner rejected the taker); there is nothing left to do. See your trades with /trades.');
    expect((await run('bob', '/trade 1')).reply.text).toBe('Cancelled: the owner rejected the taker');
  });

  it('says what became of the offer when its time ran out during the settlement', async () => {
    await run('bob', '/accept 1');
    t.clock.advance(25 * HOUR);
    const rejected = await run('alice', '/reject 1');
    expect(rejected.reply.text).toBe('Too late: trade #1 was cancelled because the owner did not accept the taker in time. The taker has their items back; offer #1 has expired.');
    await run('alice', '/post give 2 apple want 3 orange hours 2');
    await run('bob', '/accept 2');
    t.clock.advance(2 * HOUR);
    expect(await text('alice', '/reject 2')).toBe('You rejected the taker of trade #2; offer #2 has expired.');
    await run('alice', '/post give 2 apple want 3 orange hours 2');
    await run('bob', '/accept 3');
    t.clock.advance(2 * HOUR);
    expect(await text('alice', '/withdraw 3')).toBe('You withdrew from trade #3; offer #3 has expired.');
  });

  it('withdraws by either side before the handover, saying what came back', async () => {
    await run('bob', '/accept 1');
    expect(await text('bob', '/withdraw 1')).toBe('You withdrew from trade #1; 3 orange went back to your inventory.');
    expect(holds('bob')).toEqual({ orange: 10 });
    await run('carol', '/accept 1');
    await run('alice', '/confirm 2');
    const withdrawn = await run('alice', '/withdraw 2');
    expect(withdrawn.reply.text).toBe('You withdrew from trade #2; offer #1 is open again.');
    expect(withdrawn.card?.reply.text).toBe('Open');
    expect(holds('carol')).toEqual({ orange: 10 });
    expect(await refused('bob', '/withdraw 2')).toBe('You were not part of trade #2. See your own trades with /trades.');
    expect(await refused('bob', '/confirm 99')).toBe('There is no trade #99 in this market. See yours with /trades.');
  });

  it('applies the timeout to a step that comes too late, and says so', async () => {
    await run('admin', '/admin config accept-hours 6');
    await run('bob', '/accept 1');
    expect(buttons((await run('alice', '/trade 1')).reply)).toEqual([['Accept taker', 'confirm 1'], ['Reject', 'reject 1']]);
    expect((await run('alice', '/trade 1')).reply.fields).toContainEqual({ name: 'Next step due', value: 'in 6 h' });
    t.clock.advance(6 * HOUR);
    expect(await text('alice', '/confirm 1')).toBe(
      'Too late: trade #1 was cancelled because the owner did not accept the taker in time. The taker has their items back; offer #1 is open again.',
    );
    expect(holds('bob')).toEqual({ orange: 10 });
    expect(t.core.getOffer(t.market.id, 1)?.status).toBe('active');
  });

  it('lists trades by several states, with each state and cancel reason', async () => {
    await run('bob', '/accept 1');
    await run('alice', '/reject 1'); // trade 1: cancelled
    await run('carol', '/accept 1'); // trade 2: pending
    await run('alice', '/post give 1 apple want 1 orange');
    await run('bob', '/accept 2'); // trade 3: pending, then completed
    await run('alice', '/confirm 3');
    await run('alice', '/confirm 3');
    await run('bob', '/confirm 3');

    const { reply } = await run('alice', '/trades pending cancelled');
    expect(reply.title).toBe('Your trades (pending, cancelled)');
    expect(reply.text.split('\n')).toEqual([
      'Trade #2 (2026-11-21) pending with carol: you give 2 apple, get 3 orange',
      'Trade #1 (2026-11-21) cancelled (seller_rejected) with bob: you give 2 apple, get 3 orange',
    ]);
    expect((await run('bob', '/trades active')).reply.text).toBe('You have no trades here yet.');
    expect((await run('bob', '/trades inactive')).reply.text.split('\n')).toEqual([
      'Trade #3 (2026-11-21) with alice: you gave 1 orange, got 1 apple (rate it: /rate 3 5)',
      'Trade #1 (2026-11-21) cancelled (seller_rejected) with alice: you give 3 orange, get 2 apple',
    ]);
    expect(await refused('alice', '/trades pending sold')).toMatch(/^"filter" must be one of: active, inactive, /);
  });
});
