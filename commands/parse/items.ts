/**
 * Parser for the ITEMS argument of chat commands (DESIGN.md, "Chat surface").
 *
 * ITEMS is a comma-separated list; each entry is one of
 *   `5 apple`, `5x apple`, `5 x apple`, `5× apple`, `apple x5`, `apple x 5`, `apple ×5`, `apple`
 * (the multiplier is `x`, `X` or `×`; a bare name means one). Whitespace is trimmed and collapsed,
 * the name keeps its case. Duplicates are kept and names are not resolved: the core does both.
 * Failures are values with a stable `code`, like the core's `TradeError`.
 */
import { MAX_QUANTITY } from '../../src/core/catalog.js';
import { invalidNameCharacter } from '../../src/core/item-names.js';
import type { ItemRequest } from '../../src/core/types.js';

/** The largest quantity one entry may ask for (the core's limit). */
export { MAX_QUANTITY } from '../../src/core/catalog.js';

/**
 * Why an ITEMS argument was refused. `index` is the 0-based position of the entry in the list and
 * `entry` its text (trimmed, whitespace collapsed).
 */
export type ItemsSyntaxError =
  /** Nothing but whitespace was given. */
  | { code: 'empty_list' }
  /** An entry is empty: `apple,,pear`, `apple,` or `,apple`. */
  | { code: 'empty_entry'; index: number }
  /** The quantity is 0 (`0 apple`, `apple x0`). */
  | { code: 'zero_quantity'; index: number; entry: string; quantity: number }
  /** The quantity has a minus sign (`-2 apple`). */
  | { code: 'negative_quantity'; index: number; entry: string; quantity: number }
  /** The quantity is not whole (`5.5 apple`, `apple x.5`). */
  | { code: 'fractional_quantity'; index: number; entry: string; quantity: number }
  /** The quantity exceeds `MAX_QUANTITY`. */
  | { code: 'quantity_too_large'; index: number; entry: string; quantity: number; max: number }
  /** Something in the quantity position that is not a plain number (`1e3`, `+5`, `5.0`, `5apple`). */
  | { code: 'malformed_quantity'; index: number; entry: string; text: string }
  /** A quantity without an item (`5`, `5x`, `5 x`, `x 5`, or the `1` of `1,000 apple`). */
  | { code: 'missing_name'; index: number; entry: string }
  /** A multiplier without a number (`x apple`, `apple x`, `apple ×`). */
  | { code: 'missing_quantity'; index: number; entry: string }
  /** A quantity both before and after the name (`5 apple x2`). */
  | { code: 'two_quantities'; index: number; entry: string }
  /** The name starts with something other than a letter or emoji, or holds a character names may not. */
  | { code: 'invalid_name'; index: number; entry: string; name: string; char: string };

/** The stable codes of `ItemsSyntaxError`. */
export type ItemsSyntaxErrorCode = ItemsSyntaxError['code'];

/** Outcome of a parser: the value, or the first syntax error found. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ItemsSyntaxError };

/** A word that starts like a number: `5`, `-2`, `−2`, `+5`, `.5`, `-.5`. */
const NUMERIC_START = /^[+\-\u2212]?\.?\d/;
/** A lone multiplier word. */
const MULTIPLIER = /^[x×]$/i;
/** A word made of a multiplier glued to what follows it: `x5`, `×-2`. */
const GLUED_SUFFIX = /^[x×](.+)$/i;

/**
 * Parses an ITEMS argument such as `5 apple, golden apple x2, pear` into requests in the order
 * given. Stops at the first malformed entry.
 */
export function parseItems(text: string): ParseResult<ItemRequest[]> {
  const parsed = parseCountedItems(text);
  return parsed.ok ? { ok: true, value: parsed.value.map(({ name, quantity }) => ({ name, quantity: quantity ?? 1 })) } : parsed;
}

/**
 * Like {@link parseItems}, but a bare name keeps no quantity (`apple` is `{ name: 'apple',
 * quantity: null }`): for a wish, where it means "any amount".
 */
export function parseCountedItems(text: string): ParseResult<Array<{ name: string; quantity: number | null }>> {
  const entries = text.split(',').map((raw) => raw.trim().replace(/\s+/g, ' '));
  if (entries.length === 1 && entries[0] === '') return { ok: false, error: { code: 'empty_list' } };
  const value: Array<{ name: string; quantity: number | null }> = [];
  for (const [index, entry] of entries.entries()) {
    const parsed = parseEntry(entry, index);
    if (!parsed.ok) return parsed;
    value.push(parsed.value);
  }
  return { ok: true, value };
}

function parseEntry(entry: string, index: number): ParseResult<{ name: string; quantity: number | null }> {
  if (entry === '') return { ok: false, error: { code: 'empty_entry', index } };
  const words = entry.split(' ');
  let prefix: string | undefined;
  let suffix: string | undefined;
  let dangling = false;

  // Before the name: `5`, `5x`, `5×`, `5 x`.
  const first = words[0] ?? '';
  if (NUMERIC_START.test(first)) {
    words.shift();
    const glued = /^(.+)[x×]$/i.exec(first);
    if (glued?.[1] !== undefined && NUMERIC_START.test(glued[1])) prefix = glued[1];
    else {
      prefix = first;
      if (MULTIPLIER.test(words[0] ?? '')) words.shift();
    }
  }

  // After the name: `x5`, `x 5`, or a multiplier with nothing after it.
  const last = words.at(-1) ?? '';
  const glued = GLUED_SUFFIX.exec(last);
  if (glued?.[1] !== undefined && NUMERIC_START.test(glued[1])) {
    suffix = glued[1];
    words.pop();
  } else if (NUMERIC_START.test(last) && words.length >= 2 && MULTIPLIER.test(words.at(-2) ?? '')) {
    suffix = last;
    words.splice(-2);
  } else if (MULTIPLIER.test(last)) {
    dangling = true;
    words.pop();
  }
  // Before the name again, when no number came first: `x apple`.
  if (prefix === undefined && words.length > 1 && MULTIPLIER.test(words[0] ?? '')) {
    dangling = true;
    words.shift();
  }

  if (prefix !== undefined && suffix !== undefined) {
    return { ok: false, error: { code: 'two_quantities', index, entry } };
  }
  const quantityText = prefix ?? suffix;
  let quantity: number | null = null;
  if (quantityText !== undefined) {
    const checked = checkQuantity(quantityText, index, entry);
    if (!checked.ok) return checked;
    quantity = checked.value;
  }

  const name = words.join(' ');
  if (name === '') return { ok: false, error: { code: 'missing_name', index, entry } };
  if (dangling) return { ok: false, error: { code: 'missing_quantity', index, entry } };
  const bad = invalidNameCharacter(name);
  if (bad !== undefined) return { ok: false, error: { code: 'invalid_name', index, entry, name, char: bad } };
  return { ok: true, value: { name, quantity } };
}

function checkQuantity(text: string, index: number, entry: string): ParseResult<number> {
  const match = /^([+\-\u2212]?)(\d*)(\.\d*)?$/.exec(text);
  const sign = match?.[1];
  const whole = match?.[2] ?? '';
  const fraction = match?.[3];
  if (match === null || (whole === '' && (fraction === undefined || fraction.length < 2))) {
    return { ok: false, error: { code: 'malformed_quantity', index, entry, text } };
  }
  const magnitude = Number(`${whole === '' ? '0' : whole}${fraction ?? ''}`);
  const quantity = sign === '' || sign === '+' || magnitude === 0 ? magnitude : -magnitude;
  const fail = (code: 'zero_quantity' | 'negative_quantity' | 'fractional_quantity') =>
    ({ ok: false, error: { code, index, entry, quantity } }) as const;
  if (magnitude === 0) return fail('zero_quantity');
  if (quantity < 0) return fail('negative_quantity');
  if (!Number.isInteger(magnitude)) return fail('fractional_quantity');
  if (sign === '+' || fraction !== undefined) {
    return { ok: false, error: { code: 'malformed_quantity', index, entry, text } };
  }
  if (quantity > MAX_QUANTITY) {
    return { ok: false, error: { code: 'quantity_too_large', index, entry, quantity, max: MAX_QUANTITY } };
  }
  return { ok: true, value: quantity };
}
