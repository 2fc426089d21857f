/**
 * What an item name may be made of. The catalog refuses any other name and the ITEMS parser
 * refuses any other text, from this one rule, so every name in a catalog can be typed back.
 * The catalog also refuses the words that text commands read as keywords (below).
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

/**
 * Words that start a keyword option in a text command (Telegram): `give`, `want`, `hours`, `to`,
 * `note` of /post, `page` of the lists (written by their page buttons), `name`, `emoji`,
 * `description` of /admin item-add and item-edit, `member-number` of /admin log (written by its
 * page buttons), `gives`, `wants`, `by`, `rating` of /search and `saved` (its page buttons),
 * `reason` of /admin grant and revoke. A name with one of them as a whole word cannot
 * be typed back: in `/post give 1 apple want 1 Ticket to Ride` the `to` starts a member option.
 * The commands' keyword options are checked against this list by a test, since the core may not
 * import them.
 */
export const COMMAND_KEYWORDS = ['give', 'want', 'hours', 'to', 'note', 'page', 'name', 'emoji', 'description', 'member-number', 'gives', 'wants', 'by', 'rating', 'saved', 'reason'] as const;

/** The first word of `name` that a text command would read as a keyword, lower-cased; undefined if none. */
export function keywordInName(name: string): string | undefined {
  const words = name.toLowerCase().split(/\s+/);
  return words.find((word) => (COMMAND_KEYWORDS as readonly string[]).includes(word));
}
