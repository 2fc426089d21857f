// The item catalog, grants and revokes, and the inventory view.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';
import { commands } from '../../commands/index.js';
import { isGroup } from '../../commands/definition.js';
import { COMMAND_KEYWORDS } from '../../src/core/item-names.js';

let t: TestMarket;
beforeEach(() => {
  t = createTestMarket({ items: [] });
});
afterEach(() => {
  expect(t.core.audit().differences).toEqual([]);
  t.cleanup();
});

describe('catalog', () => {
  it('adds items with a slug from the name and finds them by slug or name in any case', () => {
    const item = unwrap(t.core.addItem(t.market.id, null, { name: 'Golden Apple', emoji: '🍎', description: 'shiny' }));
    expect(item).toMatchObject({ slug: 'golden-apple', name: 'Golden Apple', emoji: '🍎', description: 'shiny' });
    expect(t.core.findItem(t.market.id, 'golden apple')?.id).toBe(item.id);
    expect(t.core.findItem(t.market.id, 'GOLDEN-APPLE')?.id).toBe(item.id);
    expect(t.core.addItem(t.market.id, null, { name: 'golden  apple' })).toEqual({ ok: false, error: { code: 'item_exists', slug: 'golden-apple' } });
  });

  it('refuses names that cannot be typed back in an item list', () => {
    for (const name of ['', '!!!', '5 apples', 'apple, pear', '42', 'Apple (red)', 'R&D kit', 'Mr. Potato', "'quoted"]) {
      expect(t.core.addItem(t.market.id, null, { name })).toMatchObject({ ok: false, error: { code: 'invalid_item_name' } });
    }
    expect(t.core.addItem(t.market.id, null, { name: 'a'.repeat(51) })).toMatchObject({ ok: false, error: { code: 'text_too_long', field: 'name' } });
    expect(t.core.listItems(t.market.id)).toEqual([]);
  });

  it('refuses a name with a word the text commands read as a keyword, naming the word', () => {
    expect(t.core.addItem(t.market.id, null, { name: 'Ticket to Ride' })).toEqual({ ok: false, error: { code: 'item_name_keyword', name: 'Ticket to Ride', word: 'to' } });
    expect(t.core.addItem(t.market.id, null, { name: 'Page  Turner' })).toMatchObject({ ok: false, error: { code: 'item_name_keyword', word: 'page' } });
    expect(t.core.addItem(t.market.id, null, { name: 'WANT list' })).toMatchObject({ ok: false, error: { code: 'item_name_keyword', word: 'want' } });
    expect(t.core.listItems(t.market.id)).toEqual([]);
    // The word inside a longer word, or joined by dashes, is no keyword.
    for (const name of ['Ticket-to-Ride', 'Tomato', 'Wanted Poster', 'Notebook']) unwrap(t.core.addItem(t.market.id, null, { name }));
    expect(t.core.editItem(t.market.id, null, 'tomato', { name: 'Tomato to go' })).toMatchObject({ ok: false, error: { code: 'item_name_keyword', word: 'to' } });
    expect(t.core.findItem(t.market.id, 'tomato')?.name).toBe('Tomato');
  });

  it('knows every keyword of the text commands (the core cannot import them)', () => {
    const keywords = new Set<string>();
    for (const command of commands) {
      for (const definition of isGroup(command) ? command.subcommands : [command]) {
        for (const option of Object.values(definition.options)) if (option.spec.form === 'keyword') keywords.add(option.spec.name);
      }
    }
    expect(keywords.size).toBeGreaterThan(0);
    expect([...keywords].filter((word) => !(COMMAND_KEYWORDS as readonly string[]).includes(word))).toEqual([]);
  });

  it('edits an item in place: holdings follow the renamed item', () => {
    unwrap(t.core.addItem(t.market.id, null, { name: 'aple' }));
    unwrap(t.core.addItem(t.market.id, null, { name: 'pear' }));
    const alice = t.member('alice');
    unwrap(t.core.grantItems(t.market.id, t.member('admin').id, alice.id, items(['aple', 2])));
    const renamed = unwrap(t.core.editItem(t.market.id, null, 'aple', { name: 'Apple', emoji: '🍏' }));
    expect(renamed).toMatchObject({ slug: 'apple', name: 'Apple', emoji: '🍏' });
    expect(t.core.getInventory(alice.id).holdings).toEqual([{ item: expect.objectContaining({ slug: 'apple' }), quantity: 2 }]);
    expect(t.core.editItem(t.market.id, null, 'apple', { name: 'pear' })).toEqual({ ok: false, error: { code: 'item_exists', slug: 'pear' } });
    expect(t.core.editItem(t.market.id, null, 'appel', { emoji: null })).toEqual({ ok: false, error: { code: 'item_not_found', name: 'appel', suggestions: ['Apple'] } });
  });

  it('keeps catalogs of different markets apart', () => {
    unwrap(t.core.addItem(t.market.id, null, { name: 'apple' }));
    const other = t.core.ensureMarket({ platform: 'discord', platformMarketId: '42' });
    expect(t.core.findItem(other.id, 'apple')).toBeUndefined();
    expect(t.core.addItem(other.id, null, { name: 'apple' }).ok).toBe(true);
  });
});

describe('grants and revokes', () => {
  beforeEach(() => {
    unwrap(t.core.addItem(t.market.id, null, { name: 'apple' }));
    unwrap(t.core.addItem(t.market.id, null, { name: 'pear' }));
  });

  it('grants and revokes, refusing to revoke more than is held (escrow untouched)', () => {
    const admin = t.member('admin');
    const alice = t.member('alice');
    unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 5], ['pear', 1])));
    unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 3]), want: items(['pear', 1]) }));
    expect(t.core.revokeItems(t.market.id, admin.id, alice.id, items(['apple', 3]))).toEqual({
      ok: false,
      error: { code: 'items_short', shortages: [{ item: expect.objectContaining({ slug: 'apple' }), missing: 1, have: 2 }] },
    });
    unwrap(t.core.revokeItems(t.market.id, admin.id, alice.id, items(['apple', 2])));
    const inventory = t.core.getInventory(alice.id);
    expect(inventory.holdings.map((h) => [h.item.slug, h.quantity])).toEqual([['pear', 1]]);
    expect(inventory.escrow[0]?.items.map((h) => [h.item.slug, h.quantity])).toEqual([['apple', 3]]);
    const totals = t.core.audit().totals.find((total) => total.slug === 'apple');
    expect(totals).toMatchObject({ granted: 5, revoked: 2, inInventories: 0, inEscrow: 3 });
  });

  it('refuses an unknown item with suggestions, and an empty list', () => {
    const admin = t.member('admin');
    expect(t.core.grantItems(t.market.id, admin.id, admin.id, items(['apples', 1]))).toEqual({
      ok: false,
      error: { code: 'unknown_item', name: 'apples', suggestions: ['apple'] },
    });
    expect(t.core.grantItems(t.market.id, admin.id, admin.id, [])).toEqual({ ok: false, error: { code: 'no_items', side: 'items' } });
  });
});

describe('audit', () => {
  it('finds a holding changed behind the ledger’s back', () => {
    unwrap(t.core.addItem(t.market.id, null, { name: 'apple' }));
    const alice = t.member('alice');
    unwrap(t.core.grantItems(t.market.id, t.member('admin').id, alice.id, items(['apple', 5])));
    t.db.sqlite.prepare('UPDATE inventories SET quantity = 6 WHERE member_id = ?').run(alice.id);
    const report = t.core.audit();
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'inventory', memberId: alice.id, expected: 5, actual: 6 }),
        expect.objectContaining({ kind: 'total', expected: 5, actual: 6 }),
      ]),
    );
    t.db.sqlite.prepare('UPDATE inventories SET quantity = 5 WHERE member_id = ?').run(alice.id);
  });
});

describe('members', () => {
  it('gives a @username to the account that holds it now', () => {
    const first = t.core.ensureMember({ marketId: t.market.id, platformUserId: '1', displayName: 'A', username: 'alice' });
    t.core.ensureMember({ marketId: t.market.id, platformUserId: '1', displayName: 'A', username: null });
    expect(t.core.findMemberByUsername(t.market.id, '@alice')).toBeUndefined();
    t.core.ensureMember({ marketId: t.market.id, platformUserId: '1', displayName: 'A', username: 'alice' });
    const second = t.core.ensureMember({ marketId: t.market.id, platformUserId: '2', displayName: 'B', username: 'Alice' });
    expect(t.core.findMemberByUsername(t.market.id, 'alice')?.id).toBe(second.id);
    expect(t.core.getMember(first.id)?.username).toBeNull();
  });
});
