// Issue 13, limits at the command level: the dispatcher both platforms use counts every command
// against the rate limit (a bad one too, a non-admin's /admin too, an admin's own /admin never),
// refuses past it with one sentence that changes nothing, and marks the repeats quiet; /admin config
// sets the limits in their units. Run from text as a member types it, on a real core and clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeText, findCommand, type CommandContext, type CommandResult } from '../../commands/index.js';
import { messagesFor } from '../../commands/messages/index.js';
import { tradeState } from '../support/db-snapshot.js';
import { createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

const TELEGRAM = { syntax: 'text', ephemeral: false, privateMarkets: true } as const;
const SECOND = 1_000;

let t: TestMarket;
const as = (name: string): CommandContext => ({
  core: t.core,
  t: messagesFor('en'),
  capabilities: TELEGRAM,
  market: t.market,
  member: t.member(name),
  isAdmin: async () => name === 'admin',
});
const run = (name: string, line: string): Promise<CommandResult> => {
  const [, command = '', rest = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
  const definition = findCommand(command);
  if (!definition) throw new Error(`no command ${command}`);
  return executeText(as(name), definition, rest);
};
const text = async (name: string, line: string) => (await run(name, line)).reply.text;
const TOO_FAST = /^You are sending commands too fast: wait \d+ seconds? and go on from \d\d:\d\d:\d\d UTC\.$/;

beforeEach(() => {
  t = createTestMarket({ limits: 'shipped' });
  unwrap(t.core.grantItems(t.market.id, t.member('admin').id, t.member('alice').id, items(['apple', 10])));
});
afterEach(() => t.cleanup());

describe('the rate limit in the dispatcher', () => {
  beforeEach(async () => {
    expect(await text('admin', '/admin config rate-commands 3')).toBe('rate-commands is now 3 commands.');
  });

  it('counts bad commands too, and refuses past the limit with one sentence that changes nothing, quiet after the first', async () => {
    expect(await text('alice', '/post give 5 apple')).toMatch(/want/);
    expect(await text('alice', '/admin frobnicate')).toBe('Only administrators of this group can do that.');
    expect((await run('alice', '/inventory')).reply.fields).toContainEqual({ name: 'You hold', value: '10 apple' });
    const before = tradeState(t.db);
    const first = await run('alice', '/post give 1 apple want 1 orange');
    expect(first).toMatchObject({ reply: { tone: 'error', visibility: 'personal', text: expect.stringMatching(TOO_FAST) }, limited: { quiet: false } });
    expect(first.reply.text).toContain('wait 30 seconds');
    t.clock.advance(29 * SECOND);
    const again = await run('alice', '/admin grant @alice 5 apple');
    expect(again).toMatchObject({ reply: { text: expect.stringContaining('wait 1 second and'), tone: 'error' }, limited: { quiet: true } });
    expect(tradeState(t.db)).toEqual(before);
    t.clock.advance(SECOND);
    expect((await run('alice', '/inventory')).limited).toBeUndefined();
  });

  it('never counts an admin’s own /admin commands, but counts their other commands', async () => {
    for (let i = 0; i < 10; i += 1) expect(await text('admin', '/admin config rate-seconds 30')).toBe('rate-seconds is now 30 seconds.');
    for (let i = 0; i < 3; i += 1) expect((await run('admin', '/inventory')).limited).toBeUndefined();
    expect((await run('admin', '/inventory')).reply.text).toMatch(TOO_FAST);
    expect(await text('admin', '/admin config rate-commands 4')).toBe('rate-commands is now 4 commands.');
    expect((await run('admin', '/inventory')).limited).toBeUndefined();
  });
});

describe('/admin config for the limits', () => {
  it('shows what each limit takes in its unit, turns the gate off by word, and refuses a value out of range', async () => {
    expect(await text('admin', '/admin config max-open-offers')).toBe('max-open-offers takes a whole number of offers from 1 to 100000.');
    expect(await text('admin', '/admin config account-days')).toBe('account-days takes a whole number of days from 0 to 3650 (0 or off: no limit).');
    expect(await text('admin', '/admin config newcomer-hours 1')).toBe('newcomer-hours is now 1 hour.');
    expect(await text('admin', '/admin config newcomer-hours off')).toBe('newcomer-hours is now off.');
    expect(await text('admin', '/admin config rate-seconds 0')).toBe('"0" is not a value for rate-seconds: use a whole number of seconds from 1 to 3600.');
    expect(t.core.marketSettings(t.market.id)).toMatchObject({ rateSeconds: 30, newcomerHours: 0 });
  });
});
