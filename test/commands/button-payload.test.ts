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
} as unknown as OfferView;

describe('button payloads', () => {
  it('reads back every button an offer card carries, as written', () => {
    const buttons = offerCard(messagesFor(), () => NOW, directedOffer).buttons ?? [];
    expect(buttons.map((b) => b.command)).toEqual(['accept', 'offer', 'decline', 'cancel']);
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
  ])('refuses %j (%s)', (payload) => {
    expect(parseButtonPayload(payload)).toBeUndefined();
  });
});
