/**
 * What an item name may be made of. The catalog refuses any other name and the ITEMS parser
 * refuses any other text, from this one rule, so every name in a catalog can be typed back.
 */

/** First character of a name: a letter of any script, or an emoji. */
const NAME_START = /^[\p{L}\p{Extended_Pictographic}\p{Regional_Indicator}]/u;
/** Any character of a name: letters, marks, digits, space, dashes, apostrophes, emoji parts. */
const NAME_CHAR =
  /^[\p{L}\p{M}\p{Nd} \p{Pd}'\u2018\u2019\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u200d\ufe0f\u20e3]$/u;

/** The first character that cannot be in an item name, or undefined when `name` is fine. */
export function invalidNameCharacter(name: string): string | undefined {
  return NAME_START.test(name) ? [...name].find((c) => !NAME_CHAR.test(c)) : [...name][0];
}
