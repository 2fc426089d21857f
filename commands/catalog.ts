/**
 * `/catalog [TEXT]`: the market's catalog (archived items left out), by name, a page at a time,
 * optionally only the items with every one of some words in their name or description.
 */
import { closestNamesByWord, slugify } from '../src/core/catalog.js';
import { defineCommand, MAX_PAYLOAD_BYTES, utf8Length, type CommandContext, type CommandDefinition, type CommandResult } from './definition.js';
import { itemName } from './messages/index.js';
import { pageOption, textOption } from './options.js';
import { listReply } from './render/list-page.js';

/** Room for the words in the longest page button, `catalog WORDS page before-9999999999`. */
const WORDS_BYTES = MAX_PAYLOAD_BYTES - utf8Length('catalog  page before-9999999999');

/** `word` cut to at most `max` bytes of UTF-8, never in the middle of a character. */
function cutToBytes(word: string, max: number): string {
  let cut = '';
  for (const char of word) {
    if (utf8Length(cut + char) > max) break;
    cut += char;
  }
  return cut;
}

const catalog: CommandDefinition = defineCommand({
  name: 'catalog',
  audience: 'everyone',
  readOnly: true,
  pressable: true,
  options: {
    text: textOption('text', { required: false, form: 'rest', maxLength: 100, placeholder: 'TEXT', buttonForm: 'words' }),
    page: pageOption(),
  },
  run(ctx, args): CommandResult {
    const words = searchWords(args.text ?? '');
    const t = ctx.t.catalog;
    const shown = words.join(' ');
    const page = ctx.core.listCatalog(ctx.market.id, { words, cursor: args.page });
    return listReply(ctx.t, page, {
      command: catalog,
      title: words.length ? t.filtered(shown) : t.title,
      empty: words.length ? (page.entries.length ? t.noMatch(shown) : noMatch(ctx, words)) : t.empty,
      line: (item) => t.line(itemName(item), item.description),
      filter: { text: words.length ? words.join('-') : undefined },
      visibility: 'personal',
    });
  },
});

/** What a search of the catalog that found nothing says: the names the words may be typos of, if any. */
function noMatch(ctx: CommandContext, words: readonly string[]): string {
  const items = ctx.core.listItems(ctx.market.id);
  const names = [...new Set(words.flatMap((word) => closestNamesByWord(word, items)))].slice(0, 3);
  const shown = words.join(' ');
  return names.length ? ctx.t.catalog.didYouMean(shown, names.map((name) => `"${name}"`).join(', ')) : ctx.t.catalog.noMatch(shown);
}

/**
 * The words searched for, as the page buttons carry them and so as the first page uses them too:
 * the slug of the text (lower case, letters and digits), each word once, without the command's
 * keywords (a button could not carry those), and only as many as fit in a button. A first word too
 * long is cut: a shorter word matches more items, never fewer. The title says which words it was.
 */
export function searchWords(text: string): string[] {
  const keywords = new Set(Object.values(catalog.options).filter((option) => option.spec.form === 'keyword').map((option) => option.spec.name));
  const words: string[] = [];
  for (const word of new Set(slugify(text).split('-'))) {
    if (!word || keywords.has(word)) continue;
    if (utf8Length([...words, word].join('-')) <= WORDS_BYTES) words.push(word);
    else {
      if (words.length === 0) words.push(cutToBytes(word, WORDS_BYTES));
      break;
    }
  }
  return words;
}

export default catalog;
