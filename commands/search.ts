/**
 * `/search [TEXT] [gives ITEM] [wants ITEM] [by MEMBER] [rating N]`: open offers found by words
 * (in their items, note or owner; a word that matches nothing is read as the item names it may be
 * a typo of) and narrowed by side, owner and the owner's rating; best matches first, then ending
 * soonest, a page at a time.
 *
 * A search does not fit in a page button (64 bytes on Telegram), so a search with more than one
 * page is saved (src/core/saved-filters.ts) and its buttons carry `saved N` and the page cursor.
 */
import { z } from 'zod';
import { slugify } from '../src/core/catalog.js';
import { MAX_SEARCH_WORDS, type OfferSearch } from '../src/core/offer-search.js';
import { defineCommand, type CommandContext, type CommandDefinition, type CommandResult, type MemberMention } from './definition.js';
import { itemList, itemName } from './messages/index.js';
import { integerOption, memberOption, pageOption, savedFilterOption, textOption } from './options.js';
import { clipLine, listReply } from './render/list-page.js';
import { coreRefusal, refusal, resolveMember } from './render/replies.js';

/** A search as saved for its page buttons: items and the owner by number. */
const savedSearch = z.object({
  words: z.array(z.string()).max(MAX_SEARCH_WORDS),
  gives: z.number().int().positive().optional(),
  wants: z.number().int().positive().optional(),
  by: z.number().int().positive().optional(),
  rating: z.number().int().min(1).max(5).optional(),
});
type SavedSearch = z.infer<typeof savedSearch>;

/** The longest title; Discord allows 256 characters in an embed's title. */
const MAX_TITLE = 200;

/** What a member types: words, items as typed, a member as named. */
interface TypedSearch {
  text?: string | undefined;
  gives?: string | undefined;
  wants?: string | undefined;
  by?: MemberMention | undefined;
  rating?: number | undefined;
}

/** The search a member typed, or a refusal (a member that cannot be named). */
function typedSearch(ctx: CommandContext, args: TypedSearch) {
  let by: number | undefined;
  if (args.by) {
    const resolved = resolveMember(ctx, args.by);
    if (!resolved.ok) return resolved;
    by = resolved.member.id;
  }
  const words = [...new Set(slugify(args.text ?? '').split('-'))].filter(Boolean).slice(0, MAX_SEARCH_WORDS);
  const search: OfferSearch & { words: string[] } = { words, gives: args.gives, wants: args.wants, by, rating: args.rating };
  return { ok: true as const, search };
}

const search: CommandDefinition = defineCommand({
  name: 'search',
  audience: 'everyone',
  readOnly: true,
  pressable: true,
  options: {
    text: textOption('text', { required: false, form: 'rest', maxLength: 200, placeholder: 'TEXT' }),
    gives: textOption('gives', { required: false, maxLength: 60, placeholder: 'ITEM', autocomplete: 'item' }),
    wants: textOption('wants', { required: false, maxLength: 60, placeholder: 'ITEM', autocomplete: 'item' }),
    by: memberOption('by', { required: false, form: 'keyword' }),
    rating: integerOption('rating', { required: false, min: 1, max: 5 }),
    saved: savedFilterOption(),
    page: pageOption(),
  },
  run(ctx, args): CommandResult {
    const t = ctx.t.search;
    let query: OfferSearch & { words: string[] };
    if (args.saved !== undefined) {
      const saved = savedSearch.safeParse(ctx.core.savedFilter(ctx.market.id, search.name, args.saved));
      if (!saved.success) return refusal(t.gone);
      query = saved.data;
    } else {
      const typed = typedSearch(ctx, args);
      if (!typed.ok) return refusal(typed.refusal);
      query = typed.search;
    }
    const found = ctx.core.searchOffers(ctx.market.id, { ...query, cursor: args.page });
    if (!found.ok) return coreRefusal(ctx, found.error);
    const page = found.value;

    const owner = query.by === undefined ? undefined : ctx.core.getMember(query.by);
    const parts = [
      ...(query.words.length ? [t.words(query.words.join(' '))] : []),
      ...(page.gives ? [t.gives(itemName(page.gives))] : []),
      ...(page.wants ? [t.wants(itemName(page.wants))] : []),
      ...(owner ? [t.by(owner.displayName)] : []),
      ...(query.rating !== undefined ? [t.rating(query.rating)] : []),
      ...page.corrections.map((correction) => t.corrected(correction.word, correction.names.join(' / '))),
    ];
    const m = ctx.t.market;
    const list = (saved: number | undefined) =>
      listReply(ctx.t, page, {
        command: search,
        title: clipLine(parts.length ? t.searched(parts) : t.title, MAX_TITLE),
        empty: t.empty,
        line: (offer) => m.line(offer.id, offer.owner.displayName, itemList(offer.give), itemList(offer.want), offer.target?.displayName ?? null),
        filter: { saved: saved === undefined ? undefined : String(saved) },
        visibility: 'personal',
      });
    const shown = list(args.saved);
    // Saved once, when the first page turns out to have page buttons; later pages carry its number.
    if (args.saved !== undefined || !shown.reply.buttons?.length) return shown;
    const saved: SavedSearch = { words: query.words, gives: page.gives?.id, wants: page.wants?.id, by: query.by, rating: query.rating };
    return list(ctx.core.saveFilter(ctx.market.id, search.name, saved));
  },
});

export default search;
