import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_QUANTITY, parseItems, type ItemsSyntaxError } from '../../commands/parse/items.js';
import type { ItemRequest } from '../../src/core/types.js';

const one = (name: string, quantity: number): ItemRequest[] => [{ name, quantity }];

describe('parseItems: accepted forms', () => {
  const cases: [input: string, expected: ItemRequest[]][] = [
    ['5 apple', one('apple', 5)],
    ['5x apple', one('apple', 5)],
    ['5X apple', one('apple', 5)],
    ['5 x apple', one('apple', 5)],
    ['5 X apple', one('apple', 5)],
    ['5× apple', one('apple', 5)],
    ['5 × apple', one('apple', 5)],
    ['apple x5', one('apple', 5)],
    ['apple X5', one('apple', 5)],
    ['apple x 5', one('apple', 5)],
    ['apple X 5', one('apple', 5)],
    ['apple ×5', one('apple', 5)],
    ['apple × 5', one('apple', 5)],
    ['apple', one('apple', 1)],
    ['Apple', one('Apple', 1)],
    ['golden apple x2', one('golden apple', 2)],
    ['2 Golden Apple', one('Golden Apple', 2)],
    ['   5    golden \t  apple  ', one('golden apple', 5)],
    ['  golden   apple   x   2 ', one('golden apple', 2)],
    ['007 apple', one('apple', 7)],
    ['1 apple', one('apple', 1)],
    ['1000000 apple', one('apple', MAX_QUANTITY)],
    ['apple x1000000', one('apple', MAX_QUANTITY)],
    // unicode and other allowed characters
    ['5 яблоко', one('яблоко', 5)],
    ['Золотое яблоко x3', one('Золотое яблоко', 3)],
    ['3 りんご', one('りんご', 3)],
    ['🍎 apple x2', one('🍎 apple', 2)],
    ['4 🍎', one('🍎', 4)],
    ['❤️ gem', one('❤️ gem', 1)],
    ['2 👍🏽 badge', one('👍🏽 badge', 2)],
    ['🇫🇷 flag', one('🇫🇷 flag', 1)],
    ['2 crème brûlée', one('crème brûlée', 2)],
    ['2 क्षत्रिय', one('क्षत्रिय', 2)],
    ['3 jack-o-lantern', one('jack-o-lantern', 3)],
    ["dragon's egg x2", one("dragon's egg", 2)],
    ['dragon’s egg', one('dragon’s egg', 1)],
    ['potion2 x3', one('potion2', 3)],
    ['level 2 sword', one('level 2 sword', 1)],
    // not a quantity, just a name
    ['five apple', one('five apple', 1)],
    ['xbox', one('xbox', 1)],
    ['2 xbox', one('xbox', 2)],
    ['5 x-ray', one('x-ray', 5)],
    ['box x5', one('box', 5)],
    ['applex5', one('applex5', 1)],
    // lists
    ['5 apple, 2 pear', [{ name: 'apple', quantity: 5 }, { name: 'pear', quantity: 2 }]],
    [
      '5 apple,pear x2 , 3× golden apple,banana',
      [
        { name: 'apple', quantity: 5 },
        { name: 'pear', quantity: 2 },
        { name: 'golden apple', quantity: 3 },
        { name: 'banana', quantity: 1 },
      ],
    ],
    // duplicates are kept, not merged
    ['apple, 2 apple, APPLE', [{ name: 'apple', quantity: 1 }, { name: 'apple', quantity: 2 }, { name: 'APPLE', quantity: 1 }]],
  ];

  it.each(cases)('%j', (input, expected) => {
    expect(parseItems(input)).toEqual({ ok: true, value: expected });
  });
});

describe('parseItems: errors', () => {
  const cases: [input: string, error: ItemsSyntaxError][] = [
    ['', { code: 'empty_list' }],
    ['   \t ', { code: 'empty_list' }],
    ['apple,,pear', { code: 'empty_entry', index: 1 }],
    ['apple, ,pear', { code: 'empty_entry', index: 1 }],
    ['apple,', { code: 'empty_entry', index: 1 }],
    [',apple', { code: 'empty_entry', index: 0 }],
    [',', { code: 'empty_entry', index: 0 }],

    ['0 apple', { code: 'zero_quantity', index: 0, entry: '0 apple', quantity: 0 }],
    ['0x apple', { code: 'zero_quantity', index: 0, entry: '0x apple', quantity: 0 }],
    ['apple x0', { code: 'zero_quantity', index: 0, entry: 'apple x0', quantity: 0 }],
    ['pear, apple x 00', { code: 'zero_quantity', index: 1, entry: 'apple x 00', quantity: 0 }],
    ['-0 apple', { code: 'zero_quantity', index: 0, entry: '-0 apple', quantity: 0 }],
    ['0', { code: 'zero_quantity', index: 0, entry: '0', quantity: 0 }],

    ['-2 apple', { code: 'negative_quantity', index: 0, entry: '-2 apple', quantity: -2 }],
    ['−2 apple', { code: 'negative_quantity', index: 0, entry: '−2 apple', quantity: -2 }],
    ['apple x-2', { code: 'negative_quantity', index: 0, entry: 'apple x-2', quantity: -2 }],
    ['apple x -3', { code: 'negative_quantity', index: 0, entry: 'apple x -3', quantity: -3 }],
    ['-2.5 apple', { code: 'negative_quantity', index: 0, entry: '-2.5 apple', quantity: -2.5 }],

    ['5.5 apple', { code: 'fractional_quantity', index: 0, entry: '5.5 apple', quantity: 5.5 }],
    ['.5 apple', { code: 'fractional_quantity', index: 0, entry: '.5 apple', quantity: 0.5 }],
    ['apple x2.5', { code: 'fractional_quantity', index: 0, entry: 'apple x2.5', quantity: 2.5 }],
    ['0.5x apple', { code: 'fractional_quantity', index: 0, entry: '0.5x apple', quantity: 0.5 }],

    ['1000001 apple', { code: 'quantity_too_large', index: 0, entry: '1000001 apple', quantity: 1_000_001, max: MAX_QUANTITY }],
    ['apple x 1000001', { code: 'quantity_too_large', index: 0, entry: 'apple x 1000001', quantity: 1_000_001, max: MAX_QUANTITY }],
    ['99999999999 apple', { code: 'quantity_too_large', index: 0, entry: '99999999999 apple', quantity: 99_999_999_999, max: MAX_QUANTITY }],

    ['1e3 apple', { code: 'malformed_quantity', index: 0, entry: '1e3 apple', text: '1e3' }],
    ['apple x1e3', { code: 'malformed_quantity', index: 0, entry: 'apple x1e3', text: '1e3' }],
    ['+5 apple', { code: 'malformed_quantity', index: 0, entry: '+5 apple', text: '+5' }],
    ['5.0 apple', { code: 'malformed_quantity', index: 0, entry: '5.0 apple', text: '5.0' }],
    ['5. apple', { code: 'malformed_quantity', index: 0, entry: '5. apple', text: '5.' }],
    ['5apple', { code: 'malformed_quantity', index: 0, entry: '5apple', text: '5apple' }],
    ['0x1F apple', { code: 'malformed_quantity', index: 0, entry: '0x1F apple', text: '0x1F' }],
    ['1.2.3 apple', { code: 'malformed_quantity', index: 0, entry: '1.2.3 apple', text: '1.2.3' }],

    ['5', { code: 'missing_name', index: 0, entry: '5' }],
    ['5x', { code: 'missing_name', index: 0, entry: '5x' }],
    ['5 x', { code: 'missing_name', index: 0, entry: '5 x' }],
    ['x5', { code: 'missing_name', index: 0, entry: 'x5' }],
    ['x 5', { code: 'missing_name', index: 0, entry: 'x 5' }],
    ['x', { code: 'missing_name', index: 0, entry: 'x' }],
    ['3,5 apple', { code: 'missing_name', index: 0, entry: '3' }],
    ['1,000 apple', { code: 'missing_name', index: 0, entry: '1' }],
    ['pear, 2', { code: 'missing_name', index: 1, entry: '2' }],

    ['x apple', { code: 'missing_quantity', index: 0, entry: 'x apple' }],
    ['× apple', { code: 'missing_quantity', index: 0, entry: '× apple' }],
    ['apple x', { code: 'missing_quantity', index: 0, entry: 'apple x' }],
    ['golden apple X', { code: 'missing_quantity', index: 0, entry: 'golden apple X' }],
    ['apple ×', { code: 'missing_quantity', index: 0, entry: 'apple ×' }],
    ['5 apple x', { code: 'missing_quantity', index: 0, entry: '5 apple x' }],

    ['5 apple x2', { code: 'two_quantities', index: 0, entry: '5 apple x2' }],
    ['5x apple x 2', { code: 'two_quantities', index: 0, entry: '5x apple x 2' }],

    ['5 apple!', { code: 'invalid_name', index: 0, entry: '5 apple!', name: 'apple!', char: '!' }],
    ['@bob', { code: 'invalid_name', index: 0, entry: '@bob', name: '@bob', char: '@' }],
    ['apple/pear', { code: 'invalid_name', index: 0, entry: 'apple/pear', name: 'apple/pear', char: '/' }],
    ['2 -apple', { code: 'invalid_name', index: 0, entry: '2 -apple', name: '-apple', char: '-' }],
    ["'apple", { code: 'invalid_name', index: 0, entry: "'apple", name: "'apple", char: "'" }],
    ['5 5 apple', { code: 'invalid_name', index: 0, entry: '5 5 apple', name: '5 apple', char: '5' }],
    ['٥ apple', { code: 'invalid_name', index: 0, entry: '٥ apple', name: '٥ apple', char: '٥' }],
  ];

  it.each(cases)('%j', (input, error) => {
    expect(parseItems(input)).toEqual({ ok: false, error });
  });

  it('reports the first bad entry only', () => {
    expect(parseItems('apple, 0 pear, -1 plum')).toEqual({
      ok: false,
      error: { code: 'zero_quantity', index: 1, entry: '0 pear', quantity: 0 },
    });
  });

  it('gives the entry with whitespace collapsed', () => {
    expect(parseItems('apple ,  0   golden   pear ')).toEqual({
      ok: false,
      error: { code: 'zero_quantity', index: 1, entry: '0 golden pear', quantity: 0 },
    });
  });
});

describe('parseItems: properties', () => {
  // Words that do not read as a multiplier (`x`, `x5`, `x-2`).
  const word = fc
    .stringMatching(/^[a-zA-Zа-яёА-ЯЁ][a-zA-Zа-яёА-ЯЁ0-9'-]{0,8}$/)
    .filter((w) => !/^x($|[-.\d])/i.test(w));
  const name = fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '));
  const quantity = fc.integer({ min: 1, max: MAX_QUANTITY });

  it('round-trips every written form', () => {
    fc.assert(
      fc.property(name, quantity, fc.integer({ min: 0, max: 4 }), (n, q, form) => {
        const text = [`${q} ${n}`, `${q}x ${n}`, `${q} × ${n}`, `${n} x${q}`, `${n} X ${q}`][form] ?? '';
        expect(parseItems(`  ${text} `)).toEqual({ ok: true, value: [{ name: n, quantity: q }] });
      }),
    );
  });

  it('never throws, and accepted quantities are whole and in range', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const result = parseItems(text);
        if (result.ok) {
          for (const { name: n, quantity: q } of result.value) {
            expect(Number.isInteger(q) && q >= 1 && q <= MAX_QUANTITY).toBe(true);
            expect(n).toBe(n.trim());
            expect(n).not.toMatch(/,|\s{2}/);
          }
        }
      }),
    );
  });
});
