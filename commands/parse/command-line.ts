/**
 * Splits the text form of a command's arguments on keywords, e.g. for Telegram's
 * `/post give 5 apple, 2 pear want 3 orange hours 48 note fresh today to @bob`.
 */

/** Options of `splitKeywords`. */
export interface SplitKeywordsOptions<K extends string> {
  /** Keywords whose value runs to the end of the text; later keywords inside it do not split it. */
  trailing?: readonly K[];
}

/** What `splitKeywords` found. Values are trimmed; a keyword given with nothing after it maps to ''. */
export interface KeywordSplit<K extends string> {
  /** The text before the first keyword ('' when the text starts with one). */
  leading: string;
  /** The text after each keyword up to the next keyword, keyed by the keyword as listed. */
  parts: Partial<Record<K, string>>;
  /** The first keyword met a second time; `parts` keeps the value of its first occurrence. */
  repeated?: K;
}

/**
 * Splits `text` (everything after the command) on `keywords`. A keyword matches only as a whole
 * whitespace-separated word, case-insensitively; a trailing keyword swallows the rest of the text
 * (line breaks and spacing inside it kept).
 */
export function splitKeywords<K extends string>(
  text: string,
  keywords: readonly K[],
  options: SplitKeywordsOptions<NoInfer<K>> = {},
): KeywordSplit<K> {
  const byWord = new Map<string, K>(keywords.map((k) => [k.toLowerCase(), k]));
  const trailing = new Set<K>(options.trailing ?? []);
  const parts: Partial<Record<K, string>> = {};
  let repeated: K | undefined;
  let leading: string | undefined;
  let current: { keyword: K; from: number } | undefined;

  const close = (end: number): void => {
    if (current === undefined) leading = text.slice(0, end).trim();
    else if (parts[current.keyword] === undefined) parts[current.keyword] = text.slice(current.from, end).trim();
  };

  for (const word of text.matchAll(/\S+/g)) {
    const keyword = byWord.get(word[0].toLowerCase());
    if (keyword === undefined) continue;
    close(word.index);
    if (parts[keyword] !== undefined || current?.keyword === keyword) repeated ??= keyword;
    current = { keyword, from: word.index + word[0].length };
    if (trailing.has(keyword)) break;
  }
  close(text.length);

  const split: KeywordSplit<K> = { leading: leading ?? '', parts };
  if (repeated !== undefined) split.repeated = repeated;
  return split;
}
