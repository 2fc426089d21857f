/**
 * `/search`: a market's open offers found by words (their items, note and owner, through the
 * full-text index of src/db/offer-search.ts) and narrowed by side, owner and the owner's
 * reputation. Best matches first, then ending soonest; paged like every list (see paging.ts),
 * where an offer's position is its place in that order.
 */
import type { SQL } from 'drizzle-orm';
import { anyMatch, matchExpression, offerAmong, openLineOffers, ownerAmong, ownerOffers, rankedOfferIds, soonestOfferIds, type SearchBound, type SearchScope } from '../db/offer-search.js';
import type { CatalogApi } from './catalog.js';
import type { CoreContext } from './context.js';
import { closestNamesByWord, slugify } from './catalog.js';
import { readTransaction } from './context.js';
import { fail, ok, type Result } from './errors.js';
import { mapPage, readPage, type KeysetPage, type PageRequest } from './paging.js';
import type { Readers } from './readers.js';
import { memberIdsWithReputationAtLeast } from './reputation.js';
import type { CatalogItem, OfferView } from './types.js';

/** Words past this many are left out: a longer query narrows nothing a member would notice. */
export const MAX_SEARCH_WORDS = 8;

/** What to search for. Items are named as typed (slug or name) or by number (a saved search). */
export interface OfferSearch {
  /** Lower-case words, as {@link slugify} writes them. */
  words?: readonly string[] | undefined;
  gives?: string | number | undefined;
  wants?: string | number | undefined;
  /** Only this member's offers. */
  by?: number | undefined;
  /** Only offers of owners whose reputation is at least this. */
  rating?: number | undefined;
}

/** A word found in no offer, and the catalog names searched for in its place. */
export interface SearchCorrection {
  word: string;
  names: string[];
}

export type OfferSearchPage = KeysetPage<OfferView> & { gives: CatalogItem | undefined; wants: CatalogItem | undefined; corrections: SearchCorrection[] };

/**
 * Up to `limit` ids of `ranked` from right after (or, in reverse, right before) the bound; none
 * when the bound is no longer among them (the page then starts over, see paging.ts).
 */
function pageOf(ranked: readonly number[], bound: SearchBound, limit: number): number[] {
  if ('before' in bound) {
    const at = ranked.indexOf(bound.before);
    return at < 0 ? [] : ranked.slice(Math.max(0, at - limit), at).reverse();
  }
  const at = bound.after === undefined ? -1 : ranked.indexOf(bound.after);
  return bound.after !== undefined && at < 0 ? [] : ranked.slice(at + 1, at + 1 + limit);
}

export function createOfferSearch(ctx: CoreContext, deps: { catalog: CatalogApi; readers: Readers }) {
  const { db, clock } = ctx;
  const { catalog, readers } = deps;

  /** The item `typed` names, or undefined; a number is an item's own (what a saved search keeps). */
  const itemOf = (marketId: number, typed: string | number) => (typeof typed === 'number' ? catalog.getItem(marketId, typed) : catalog.findItem(marketId, typed));

  /**
   * The words as full-text groups. A word that matches no offer of the market is taken as a typo
   * of an item name: the closest catalog names (the suggestion /post makes) are searched in its place.
   */
  const wordGroups = (marketId: number, words: readonly string[]) => {
    const corrections: SearchCorrection[] = [];
    // Read once, and only when some word matches nothing.
    let current: ReturnType<typeof catalog.listItems> | undefined;
    const groups = words.slice(0, MAX_SEARCH_WORDS).map((word) => {
      if (anyMatch(db.orm, matchExpression([{ word, alternatives: [] }]), marketId)) return { word, alternatives: [] };
      const names = closestNamesByWord(word, (current ??= catalog.listItems(marketId, 'current')));
      if (names.length) corrections.push({ word, names });
      return { word, alternatives: names.map((name) => slugify(name).replaceAll('-', ' ')) };
    });
    return { groups, corrections };
  };

  return {
    /**
     * A page of the market's open offers matching `search`. Refuses an item the market does not
     * have, with the closest names. An offer past its expiry is never shown, even before the
     * sweep closed it.
     */
    searchOffers(marketId: number, search: OfferSearch & PageRequest = {}): Result<OfferSearchPage> {
      const sides: Array<['give' | 'want', string | number | undefined]> = [
        ['give', search.gives],
        ['want', search.wants],
      ];
      const found: Partial<Record<'give' | 'want', CatalogItem>> = {};
      for (const [side, typed] of sides) {
        if (typed === undefined) continue;
        const item = itemOf(marketId, typed);
        if (!item) return fail({ code: 'unknown_item', name: String(typed), suggestions: closestNamesByWord(String(typed), catalog.listItems(marketId)) });
        found[side] = item;
      }
      return ok(
        readTransaction(db, () => {
          // The owner's offers are the fewest (a member has a few open), then one item's on one side.
          const [drive, ...others] = [
            ...(search.by !== undefined ? [ownerOffers(search.by)] : []),
            ...(found.give ? [openLineOffers('give', found.give.id)] : []),
            ...(found.want ? [openLineOffers('want', found.want.id)] : []),
          ];
          const conditions: SQL[] = others.map(offerAmong);
          if (search.rating !== undefined) conditions.push(ownerAmong(memberIdsWithReputationAtLeast(marketId, search.rating)));
          const scope: SearchScope = { marketId, now: clock(), drive, conditions };
          const { groups, corrections } = wordGroups(marketId, search.words ?? []);
          const expression = groups.length ? matchExpression(groups) : undefined;
          // Ranked matches are read once, whole (a rank needs every match scored), and paged here.
          let ranked: number[] | undefined;
          const ids = (bound: SearchBound, limit: number) =>
            expression === undefined ? soonestOfferIds(db.orm, scope, bound, limit) : pageOf((ranked ??= rankedOfferIds(db.orm, expression, scope)), bound, limit);
          const rows = (list: number[]) => list.flatMap((id) => readers.offerRow(id) ?? []);
          const page = readPage(
            {
              forward: (after, limit) => rows(ids({ after }, limit)),
              backward: (before, limit) => rows(ids({ before }, limit)),
            },
            search,
          );
          return { ...mapPage(page, readers.offerView), gives: found.give, wants: found.want, corrections };
        }),
      );
    },
  };
}
