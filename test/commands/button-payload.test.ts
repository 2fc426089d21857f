// Button payloads come back from the member's client: the bot takes only what it writes itself.
import { describe, expect, it } from 'vitest';
import { buttonPayload } from '../../commands/definition.js';
import { messagesFor } from '../../commands/messages/index.js';
import { parseButtonPayload } from '../../commands/press.js';
import { offerCard } from '../../commands/render/offer-card.js';
import type { OfferView } from '../../src/core/types.js';

const NOW = Date.UTC(2026, 11, 2);
const directedOffer = {
  id: 41,
  marketId: 1,
  owner: { id: 1, displayName: 'Alice' },
  target: { id: 2, displayName: 'Bob' },
  give: [{ itemId: 1, slug: 'apple', name: 'apple', emoji: null, quantity: 5 }],
  want: [{ itemId: 2, slug: 'pear', name: 'pear', emoji: null, quantity: 1 }],
  note: null,
  status: 'active',
  expiresAt: NOW + 3_600_000,
  acceptedBy: null,
  closeReason: null,
  counterTo: null,
  thread: [],
  ownerReputation: { memberId: 1, score: 3, partners: 0, ratings: 0 },
} as unknown as OfferView;

describe('button payloads', () => {
  it('reads back every button an offer card carries, as written', () => {
    const buttons = offerCard(messagesFor(), () => NOW, directedOffer).buttons ?? [];
    expect(buttons.map((b) => b.command)).toEqual(['accept', 'offer', 'decline', 'cancel']);
    for (const button of buttons) {
      expect(parseButtonPayload(buttonPayload(button))).toMatchObject({ command: { name: button.command }, args: ['41'] });
    }
  });

  it('reads back a counter card’s buttons, Counter included (its items are left off: a button cannot carry them)', () => {
    const buttons = offerCard(messagesFor(), () => NOW, { ...directedOffer, counterTo: 40, thread: [39, 40] }).buttons ?? [];
    expect(buttons.map((b) => b.command)).toEqual(['accept', 'offer', 'decline', 'counter', 'cancel']);
    for (const button of buttons) {
      expect(parseButtonPayload(buttonPayload(button))).toMatchObject({ command: { name: button.command }, args: ['41'] });
    }
  });

  it('reads a rating button, whose optional comment is left off', () => {
    expect(parseButtonPayload('rate 7 5')).toMatchObject({ command: { name: 'rate' }, args: ['7', '5'] });
  });

  it.each([
    ['accept 41 42', 'an argument too many'],
    ['accept', 'an argument missing'],
    ['accept  41', 'two spaces'],
    ['accept 041', 'a leading zero'],
    ['accept -41', 'a sign'],
    ['accept 4.1', 'a fraction'],
    ['accept 12345678901', 'eleven digits'],
    ['Accept 41', 'another spelling of the command'],
    ['help', 'a command with no button'],
    ['rate 41 5 great', 'free text in a button'],
    ['post give 1 apple want 1 pear', 'a command with items'],
    ['admin ban 41', 'a command group'],
    ['frobnicate 41', 'no such command'],
    [`accept ${'1'.repeat(70)}`, 'over 64 characters'],
    // Page buttons: the filter as the bot writes it, then one page cursor, nothing else.
    ['market apple page after-12', 'an item by name (buttons carry its number)'],
    ['market 07 page after-12', 'an item number with a leading zero'],
    ['market 7 page', 'a page keyword without its cursor'],
    ['market 7 page 2', 'a page number (the old paging)'],
    ['market 7 page after-0', 'cursor 0'],
    ['market 7 page after-012', 'a cursor with a leading zero'],
    ['market 7 page after12', 'a cursor without its dash'],
    ['market 7 page next-12', 'a cursor in no direction'],
    ['market 7 page after-12 page before-3', 'two cursors'],
    ['market page after-12 7', 'the filter after the cursor'],
    ['market 7 PAGE after-12', 'another spelling of the keyword'],
    ['market 7  page after-12', 'two spaces'],
    ['market 7 page after-12 ', 'a trailing space'],
    ['market 7 8', 'two items'],
    ['myoffers page after-3 active', 'the status after the cursor'],
    ['myoffers bogus page after-3', 'a status that is none'],
    ['myoffers ACTIVE', 'a status in capitals'],
    ['trades active inactive', 'two filters'],
    ['catalog Red-Apple', 'words not in lower case'],
    ['catalog red apple', 'words with a space'],
    ['catalog red--apple', 'words with two dashes'],
    ['catalog -red', 'words starting with a dash'],
    ['catalog red!', 'words with punctuation'],
    ['catalog page', 'the keyword as the words'],
    [`catalog ${'я'.repeat(30)}`, 'over 64 bytes, though under 64 characters'],
  ])('refuses %j (%s)', (payload) => {
    expect(parseButtonPayload(payload)).toBeUndefined();
  });

  it.each([
    ['market page after-120', { page: 'after-120' }],
    ['market 7 page after-120', { item: '7', page: 'after-120' }],
    ['market 7 page before-5', { item: '7', page: 'before-5' }],
    ['market 7', { item: '7' }],
    ['myoffers', {}],
    ['myoffers cancelled page after-9999999999', { status: 'cancelled', page: 'after-9999999999' }],
    ['myoffers page before-3', { page: 'before-3' }],
    ['trades inactive page after-1', { filter: 'inactive', page: 'after-1' }],
    ['catalog red-apple page after-12', { text: 'red-apple', page: 'after-12' }],
    ['catalog яблоко page before-4', { text: 'яблоко', page: 'before-4' }],
    ['catalog page after-4', { page: 'after-4' }],
  ])('takes the page button %j, option by option', (payload, values) => {
    const call = parseButtonPayload(payload);
    expect(call?.command.name).toBe(payload.split(' ')[0]);
    expect(call?.values).toEqual(values);
    expect(call?.args.join(' ')).toBe(payload.split(' ').slice(1).join(' '));
  });
});
