import { describe, expect, it } from 'vitest';
import { splitKeywords, type KeywordSplit } from '../../commands/parse/command-line.js';

const POST = ['give', 'want', 'hours', 'to', 'note'] as const;
type PostKeyword = (typeof POST)[number];

describe('splitKeywords', () => {
  const cases: [text: string, expected: KeywordSplit<PostKeyword>][] = [
    ['give 5 apple want 3 orange', { leading: '', parts: { give: '5 apple', want: '3 orange' } }],
    ['GIVE apple WANT pear', { leading: '', parts: { give: 'apple', want: 'pear' } }],
    ['Give apple wAnT pear', { leading: '', parts: { give: 'apple', want: 'pear' } }],
    ['give wanton soup want tea', { leading: '', parts: { give: 'wanton soup', want: 'tea' } }],
    ['give toward-x2, given gift want tomato', { leading: '', parts: { give: 'toward-x2, given gift', want: 'tomato' } }],
    ['to @bob give 1 apple want 1 pear', { leading: '', parts: { to: '@bob', give: '1 apple', want: '1 pear' } }],
    [
      'give 5 apple, 2 pear want 3 orange hours 48 note fresh today',
      { leading: '', parts: { give: '5 apple, 2 pear', want: '3 orange', hours: '48', note: 'fresh today' } },
    ],
    ['12 give apple', { leading: '12', parts: { give: 'apple' } }],
    ['  12   extra  ', { leading: '12   extra', parts: {} }],
    ['', { leading: '', parts: {} }],
    ['give   5  apple  \n want\t3 orange ', { leading: '', parts: { give: '5  apple', want: '3 orange' } }],
    ['give want 3 orange', { leading: '', parts: { give: '', want: '3 orange' } }],
    ['give apple want', { leading: '', parts: { give: 'apple', want: '' } }],
    // without `trailing`, note is an ordinary keyword
    ['note give me want more', { leading: '', parts: { note: '', give: 'me', want: 'more' } }],
    // repeats: reported, the first value kept
    ['give apple want pear give plum', { leading: '', parts: { give: 'apple', want: 'pear' }, repeated: 'give' }],
    ['give apple give plum', { leading: '', parts: { give: 'apple' }, repeated: 'give' }],
    ['want a give b want c give d', { leading: '', parts: { want: 'a', give: 'b' }, repeated: 'want' }],
    ['hours 1 HOURS 2', { leading: '', parts: { hours: '1' }, repeated: 'hours' }],
  ];

  it.each(cases)('%j', (text, expected) => {
    expect(splitKeywords(text, POST)).toEqual(expected);
  });

  const trailingCases: [text: string, expected: KeywordSplit<PostKeyword>][] = [
    [
      'give 5 apple want 3 orange hours 48 note give me want more',
      { leading: '', parts: { give: '5 apple', want: '3 orange', hours: '48', note: 'give me want more' } },
    ],
    [
      'give 5 apple want 3 orange hours 48 note fresh today to @bob',
      { leading: '', parts: { give: '5 apple', want: '3 orange', hours: '48', note: 'fresh today to @bob' } },
    ],
    ['note  fresh,\n  really   fresh  ', { leading: '', parts: { note: 'fresh,\n  really   fresh' } }],
    ['give a NOTE note note', { leading: '', parts: { give: 'a', note: 'note note' } }],
    ['note', { leading: '', parts: { note: '' } }],
    ['give a want b note give c', { leading: '', parts: { give: 'a', want: 'b', note: 'give c' } }],
  ];

  it.each(trailingCases)('trailing note: %j', (text, expected) => {
    expect(splitKeywords(text, POST, { trailing: ['note'] })).toEqual(expected);
  });

  it('leaves unlisted words alone and keys parts by the listed spelling', () => {
    expect(splitKeywords('to @bob Give 1 apple', ['Give'])).toEqual({ leading: 'to @bob', parts: { Give: '1 apple' } });
  });

  it('omits `repeated` when nothing repeats', () => {
    expect('repeated' in splitKeywords('give a want b', POST)).toBe(false);
  });

  it('counter form: offer number before the keywords', () => {
    expect(splitKeywords('12 give 2 pear want 1 apple note ok', ['give', 'want', 'note'], { trailing: ['note'] })).toEqual({
      leading: '12',
      parts: { give: '2 pear', want: '1 apple', note: 'ok' },
    });
  });
});
