/**
 * The `#!` options of TradeMaximizer's want-list format: the three this solver implements, and the
 * others it knows by name, so that a file relying on one hears that it was not honoured.
 */

/** Options that change how this solver reads the file. */
export interface ParseOptions {
  allowDummies: boolean;
  requireColons: boolean;
  requireUsernames: boolean;
}

export const IMPLEMENTED_OPTIONS = ['ALLOW-DUMMIES', 'REQUIRE-COLONS', 'REQUIRE-USERNAMES'] as const;

/**
 * TradeMaximizer's other options. None changes which items trade here: the solver always
 * maximises items, then users trading, then the receivers' ranks, and prints everything.
 */
const KNOWN_UNIMPLEMENTED = [
  'CASE-SENSITIVE',
  'HIDE-ERRORS',
  'HIDE-REPEATS',
  'HIDE-LOOPS',
  'HIDE-SUMMARY',
  'HIDE-NONTRADES',
  'HIDE-STATS',
  'SHOW-MISSING',
  'SORT-BY-ITEM',
  'SHOW-ELAPSED-TIME',
  'LINEAR-PRIORITIES',
  'TRIANGLE-PRIORITIES',
  'SQUARE-PRIORITIES',
  'SCALED-PRIORITIES',
  'EXPLICIT-PRIORITIES',
  'SHRINK-VERBOSE',
];
/** Options that take a value (`ITERATIONS=100`). */
const KNOWN_UNIMPLEMENTED_WITH_VALUE = ['SMALL-STEP', 'BIG-STEP', 'NONTRADE-COST', 'ITERATIONS', 'SEED', 'SHRINK', 'METRIC'];

export const DEFAULT_PARSE_OPTIONS: ParseOptions = { allowDummies: false, requireColons: false, requireUsernames: false };

/**
 * Applies one option word to `options`; returns the warning to show when the option is not
 * implemented (or not known at all), `null` when it was applied.
 */
export function applyOption(word: string, options: ParseOptions, line: number): string | null {
  switch (word) {
    case 'ALLOW-DUMMIES':
      options.allowDummies = true;
      return null;
    case 'REQUIRE-COLONS':
      options.requireColons = true;
      return null;
    case 'REQUIRE-USERNAMES':
      options.requireUsernames = true;
      return null;
  }
  const name = word.split('=')[0] ?? word;
  if (KNOWN_UNIMPLEMENTED.includes(word) || KNOWN_UNIMPLEMENTED_WITH_VALUE.includes(name)) {
    return `option ${word} (line ${line}) is not implemented and was ignored: this solver always maximises items traded, then users trading, then the receivers' ranks`;
  }
  return `option ${word} (line ${line}) is unknown and was ignored; the options implemented are ${IMPLEMENTED_OPTIONS.join(', ')}`;
}
