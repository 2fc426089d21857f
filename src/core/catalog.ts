/**
 * A market's item catalog, and turning what members type ("5 Apple") into catalog items.
 *
 * An item is never deleted (holdings, offers, trades and the ledger refer to it); an admin may
 * archive it instead, once nothing live has it (no holding, no open offer, no trade in
 * settlement: see item-use.ts). An archived item is out of the catalog: listed apart, refused in
 * new offers and grants, not suggested for them; past trades and the ledger still name it, and it
 * is still found by name (a revoke is offered it, `/admin item-unarchive` brings it back).
 */
import { and, asc, desc, eq, gt, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { distance } from 'fastest-levenshtein';
import { items } from '../db/schema.js';
import { invalidNameCharacter, keywordInName } from './item-names.js';
import type { CoreContext } from './context.js';
import { Refusal, type Result } from './errors.js';
import { readTransaction, runWrite } from './context.js';
import { readPage, type KeysetPage, type PageRequest } from './paging.js';
import { createItemUse, itemInUse } from './item-use.js';
import { recordModeration } from './moderation-log.js';
import type { CatalogItem, ItemAmount, ItemRequest } from './types.js';

const p = sql.placeholder;

export const MAX_QUANTITY = 1_000_000;
export const MAX_LINES_PER_SIDE = 20;
export const MAX_ITEM_NAME = 50;
export const MAX_ITEM_DESCRIPTION = 200;

/** `"Golden Apple!"` -> `"golden-apple"`: letters and digits of any script, joined by dashes. */
export function slugify(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/** Up to three catalog names closest to `typed`, nearest first; substrings count as close. */
export function closestNames(typed: string, catalog: readonly CatalogItem[]): string[] {
  const wanted = slugify(typed);
  if (!wanted) return [];
  const scored = catalog.map((item) => {
    const contains = item.slug.includes(wanted) || wanted.includes(item.slug);
    return { name: item.name, score: contains ? 0 : Math.min(distance(wanted, item.slug), distance(typed.toLowerCase(), item.name.toLowerCase())) };
  });
  const limit = Math.max(2, Math.ceil(wanted.length * 0.6));
  return scored
    .filter((entry) => entry.score <= limit)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map((entry) => entry.name);
}

/**
 * {@link closestNames}, where each word of a name (of three letters or more) counts as a name of
 * its own too: `goldn` finds Golden Apple as `aple` finds apple. For a word searched on its own.
 */
export function closestNamesByWord(typed: string, catalog: readonly CatalogItem[]): string[] {
  const words = catalog.flatMap((item) => item.slug.split('-').filter((word) => word.length >= 3 && word !== item.slug).map((slug) => ({ ...item, slug })));
  return [...new Set(closestNames(typed, [...catalog, ...words]))];
}

/** Rows a filtered catalog listing reads at a time. */
const SCAN_BATCH = 100;

/** Lower case as {@link slugify} writes it, so typed words and stored text compare alike. */
const fold = (text: string) => text.normalize('NFKC').toLowerCase();

/** Whether `word` (folded) is in the item's slug, name or description. */
const matchesWord = (item: CatalogItem, word: string) =>
  item.slug.includes(word) || fold(item.name).includes(word) || (item.description !== null && fold(item.description).includes(word));

export interface NewItem {
  name: string;
  emoji?: string | null;
  description?: string | null;
}

/** Which items a listing shows: the catalog as members use it, the archived ones, or both. */
export type ItemListing = 'current' | 'archived' | 'all';

/** What a list of items is read for: a side of a new offer, a grant, or a revoke. */
export type ItemUse = 'offer' | 'grant' | 'revoke';

export interface ItemChanges {
  name?: string;
  emoji?: string | null;
  description?: string | null;
}

export function createCatalog(ctx: CoreContext) {
  const { db, clock } = ctx;
  const { orm } = db;
  const itemUse = createItemUse(ctx);
  const columns = { id: items.id, slug: items.slug, name: items.name, emoji: items.emoji, description: items.description, archivedAt: items.archivedAt };
  const itemsOfMarket = orm.select(columns).from(items).where(eq(items.marketId, p('marketId'))).orderBy(asc(items.name)).prepare();
  // Guarded, so archiving twice (or two admins at once) is refused rather than done twice.
  const archive = orm
    .update(items)
    .set({ archivedAt: sql`${p('now')}` })
    .where(and(eq(items.id, p('id')), isNull(items.archivedAt)))
    .returning(columns)
    .prepare();
  const unarchive = orm
    .update(items)
    .set({ archivedAt: null })
    .where(and(eq(items.id, p('id')), isNotNull(items.archivedAt)))
    .returning(columns)
    .prepare();
  const itemBySlug = orm
    .select(columns)
    .from(items)
    .where(and(eq(items.marketId, p('marketId')), eq(items.slug, p('slug'))))
    .prepare();
  const itemById = orm
    .select(columns)
    .from(items)
    .where(and(eq(items.marketId, p('marketId')), eq(items.id, p('id'))))
    .prepare();
  // The catalog listing walks items_market_slug_unique from a slug, in either direction: slugs are
  // unique in a market, so the slug alone is a position. Archived items are skipped on the way.
  const inCatalog = and(eq(items.marketId, p('marketId')), isNull(items.archivedAt));
  const itemsAfter = orm.select(columns).from(items).where(and(inCatalog, gt(items.slug, p('slug')))).orderBy(asc(items.slug)).limit(p('limit')).prepare();
  const itemsBefore = orm.select(columns).from(items).where(and(inCatalog, lt(items.slug, p('slug')))).orderBy(desc(items.slug)).limit(p('limit')).prepare();

  /** A market's items by name; a catalog is small, so one statement serves every listing. */
  const list = (marketId: number, listing: ItemListing = 'current'): CatalogItem[] => {
    const all = itemsOfMarket.all({ marketId });
    return listing === 'all' ? all : all.filter((item) => (item.archivedAt === null) === (listing === 'current'));
  };

  /** The catalog item a member meant by `typed` (slug or name, any case), if there is one. */
  const find = (marketId: number, typed: string): CatalogItem | undefined => {
    const slug = slugify(typed);
    return slug ? itemBySlug.get({ marketId, slug }) : undefined;
  };

  const validateName = (name: string) => {
    const trimmed = name.trim();
    if (trimmed.length > MAX_ITEM_NAME) throw new Refusal({ code: 'text_too_long', field: 'name', max: MAX_ITEM_NAME });
    // Every name must be typeable back in an item list (the parser applies the same rule).
    const slug = slugify(trimmed);
    if (!slug || invalidNameCharacter(trimmed) !== undefined || !/\p{L}/u.test(slug)) {
      throw new Refusal({ code: 'invalid_item_name', name: trimmed });
    }
    const keyword = keywordInName(trimmed);
    if (keyword !== undefined) throw new Refusal({ code: 'item_name_keyword', name: trimmed, word: keyword });
    return { name: trimmed, slug };
  };
  const validateDescription = (description: string | null | undefined) => {
    if (description && description.length > MAX_ITEM_DESCRIPTION) {
      throw new Refusal({ code: 'text_too_long', field: 'description', max: MAX_ITEM_DESCRIPTION });
    }
    return description?.trim() || null;
  };

  /**
   * Up to `limit` catalog items from the slug `from` on, in one direction, that have every word in
   * their slug, name or description. Read in batches, so a filter that matches little still walks
   * the index a batch at a time rather than loading the catalog.
   */
  const scanCatalog = (marketId: number, from: string, direction: 'forward' | 'backward', limit: number, words: readonly string[]): CatalogItem[] => {
    const statement = direction === 'forward' ? itemsAfter : itemsBefore;
    const batch = words.length ? Math.max(limit, SCAN_BATCH) : limit;
    const found: CatalogItem[] = [];
    for (let slug = from; ; ) {
      const rows = statement.all({ marketId, slug, limit: batch });
      for (const row of rows) {
        if (words.every((word) => matchesWord(row, word)) && found.push(row) === limit) return found;
      }
      const last = rows[rows.length - 1];
      if (!last || rows.length < batch) return found;
      slug = last.slug;
    }
  };

  /** The item `typed` names, or a refusal with the closest names of `listing` as suggestions. */
  const requireItem = (marketId: number, typed: string, listing: ItemListing = 'all'): CatalogItem => {
    const found = find(marketId, typed);
    if (!found) throw new Refusal({ code: 'item_not_found', name: typed, suggestions: closestNames(typed, list(marketId, listing)) });
    return found;
  };

  /**
   * Matches each request against the catalog, merging repeats of one item. Refuses (throws
   * {@link Refusal}) on an empty list, a quantity outside 1..1,000,000, an unknown name (with the
   * closest names as suggestions), or, for a new offer or a grant, an archived item. A revoke
   * takes archived items (members still hold them) and is offered them as suggestions. For use
   * inside a write transaction.
   */
  const resolve = (marketId: number, requests: readonly ItemRequest[], side: 'give' | 'want' | 'items', use: ItemUse): ItemAmount[] => {
    if (requests.length === 0) throw new Refusal({ code: 'no_items', side });
    const merged = new Map<number, ItemAmount>();
    for (const request of requests) {
      if (!Number.isInteger(request.quantity) || request.quantity < 1 || request.quantity > MAX_QUANTITY) {
        throw new Refusal({ code: 'invalid_quantity', name: request.name, quantity: request.quantity });
      }
      const found = find(marketId, request.name);
      if (!found) {
        const listing = use === 'revoke' ? 'all' : 'current';
        throw new Refusal({ code: 'unknown_item', name: request.name, suggestions: closestNames(request.name, list(marketId, listing)) });
      }
      if (found.archivedAt !== null && use !== 'revoke') {
        throw new Refusal({ code: 'item_archived', item: { id: found.id, slug: found.slug, name: found.name, emoji: found.emoji }, use });
      }
      const line = merged.get(found.id);
      const quantity = (line?.quantity ?? 0) + request.quantity;
      if (quantity > MAX_QUANTITY) throw new Refusal({ code: 'invalid_quantity', name: found.name, quantity });
      merged.set(found.id, { item: { id: found.id, slug: found.slug, name: found.name, emoji: found.emoji }, quantity });
    }
    if (merged.size > MAX_LINES_PER_SIDE) throw new Refusal({ code: 'too_many_items', max: MAX_LINES_PER_SIDE });
    return [...merged.values()];
  };

  return {
    listItems: list,
    findItem: find,
    /** An item of the market by its number (what a button carries), archived or not. */
    getItem: (marketId: number, itemId: number): CatalogItem | undefined => itemById.get({ marketId, id: itemId }),
    /**
     * A page of the catalog as members use it (archived items left out), by slug, optionally only
     * the items with every one of `words` (lower case, as {@link slugify} writes them) in their
     * slug, name or description. The cursor is an item's number; one of another market, or none,
     * starts from the first page.
     */
    listCatalog(marketId: number, options: { words?: readonly string[] | undefined } & PageRequest = {}): KeysetPage<CatalogItem> {
      const words = options.words ?? [];
      const slugOf = (id: number) => itemById.get({ marketId, id })?.slug;
      return readTransaction(db, () =>
        readPage(
          {
            forward(after, limit) {
              const from = after === undefined ? '' : slugOf(after);
              return from === undefined ? [] : scanCatalog(marketId, from, 'forward', limit, words);
            },
            backward(before, limit) {
              const from = slugOf(before);
              return from === undefined ? [] : scanCatalog(marketId, from, 'backward', limit, words);
            },
          },
          options,
        ),
      );
    },
    resolve,
    /**
     * Admin (`adminId`; null for the operator): adds an item; its slug comes from the name.
     * Refuses a name already taken. Logged in the moderation log.
     */
    addItem(marketId: number, adminId: number | null, input: NewItem): Result<CatalogItem> {
      return runWrite(db, () => {
        const { name, slug } = validateName(input.name);
        const description = validateDescription(input.description);
        const taken = itemBySlug.get({ marketId, slug });
        if (taken) throw new Refusal(taken.archivedAt === null ? { code: 'item_exists', slug } : { code: 'item_exists', slug, archived: true });
        const [row] = orm
          .insert(items)
          .values({ marketId, slug, name, emoji: input.emoji?.trim() || null, description, createdAt: clock() })
          .returning(columns)
          .all();
        if (!row) throw new Error('item insert returned nothing');
        recordModeration(ctx, { marketId, adminId, action: 'item_add', itemId: row.id, detail: { name: row.name, slug: row.slug } });
        return row;
      });
    },
    /**
     * Admin: renames or re-describes an item. Its slug follows a new name; ids, holdings and offers
     * stay. Logged with what changed, from and to.
     */
    editItem(marketId: number, adminId: number | null, typed: string, changes: ItemChanges): Result<CatalogItem> {
      return runWrite(db, () => {
        const existing = requireItem(marketId, typed);
        const update: Partial<typeof items.$inferInsert> = {};
        if (changes.name !== undefined) {
          const { name, slug } = validateName(changes.name);
          const clash = itemBySlug.get({ marketId, slug });
          if (clash && clash.id !== existing.id) throw new Refusal({ code: 'item_exists', slug });
          Object.assign(update, { name, slug });
        }
        if (changes.emoji !== undefined) update.emoji = changes.emoji?.trim() || null;
        if (changes.description !== undefined) update.description = validateDescription(changes.description);
        if (Object.keys(update).length === 0) return existing;
        const [row] = orm.update(items).set(update).where(eq(items.id, existing.id)).returning(columns).all();
        if (!row) throw new Error('item update returned nothing');
        const changed = (['name', 'emoji', 'description'] as const).filter((key) => key in update && existing[key] !== row[key]);
        const detail = Object.fromEntries(changed.map((key) => [key, { from: existing[key], to: row[key] }]));
        recordModeration(ctx, { marketId, adminId, action: 'item_edit', itemId: row.id, detail });
        return row;
      });
    },
    /**
     * Admin: takes an item out of the catalog: no new offer or grant may name it; its history
     * (trades, the ledger) keeps it. Refused while anyone holds it, an open offer names it or a
     * trade in settlement holds it (the refusal says who), and for an item already archived.
     */
    archiveItem(marketId: number, adminId: number | null, typed: string): Result<CatalogItem> {
      return runWrite(db, () => {
        const item = requireItem(marketId, typed, 'current');
        if (item.archivedAt !== null) throw new Refusal({ code: 'item_already_archived', name: item.name, slug: item.slug });
        const use = itemUse(item.id);
        if (itemInUse(use)) throw new Refusal({ code: 'item_in_use', item: { id: item.id, slug: item.slug, name: item.name, emoji: item.emoji }, ...use });
        const row = archive.get({ id: item.id, now: clock() });
        if (!row) throw new Refusal({ code: 'item_already_archived', name: item.name, slug: item.slug });
        recordModeration(ctx, { marketId, adminId, action: 'item_archive', itemId: item.id });
        return row;
      });
    },
    /** Admin: puts an archived item back in the catalog. Refuses an item that is not archived. */
    unarchiveItem(marketId: number, adminId: number | null, typed: string): Result<CatalogItem> {
      return runWrite(db, () => {
        const item = requireItem(marketId, typed, 'archived');
        const row = unarchive.get({ id: item.id });
        if (!row) throw new Refusal({ code: 'item_not_archived', name: item.name, slug: item.slug });
        recordModeration(ctx, { marketId, adminId, action: 'item_unarchive', itemId: item.id });
        return row;
      });
    },
  };
}

export type CatalogApi = ReturnType<typeof createCatalog>;
