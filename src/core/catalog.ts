/**
 * A market's item catalog, and turning what members type ("5 Apple") into catalog items.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { distance } from 'fastest-levenshtein';
import { items } from '../db/schema.js';
import { invalidNameCharacter, keywordInName } from './item-names.js';
import type { CoreContext } from './context.js';
import { Refusal, type Result } from './errors.js';
import { runWrite } from './context.js';
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

export interface NewItem {
  name: string;
  emoji?: string | null;
  description?: string | null;
}

export interface ItemChanges {
  name?: string;
  emoji?: string | null;
  description?: string | null;
}

export function createCatalog({ db, clock }: CoreContext) {
  const { orm } = db;
  const columns = { id: items.id, slug: items.slug, name: items.name, emoji: items.emoji, description: items.description };
  const itemsOfMarket = orm.select(columns).from(items).where(eq(items.marketId, p('marketId'))).orderBy(asc(items.name)).prepare();
  const itemBySlug = orm
    .select(columns)
    .from(items)
    .where(and(eq(items.marketId, p('marketId')), eq(items.slug, p('slug'))))
    .prepare();

  const list = (marketId: number): CatalogItem[] => itemsOfMarket.all({ marketId });

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
   * Matches each request against the catalog, merging repeats of one item. Refuses (throws
   * {@link Refusal}) on an empty list, a quantity outside 1..1,000,000, or an unknown name (with the
   * closest catalog names as suggestions). For use inside a write transaction.
   */
  const resolve = (marketId: number, requests: readonly ItemRequest[], side: 'give' | 'want' | 'items'): ItemAmount[] => {
    if (requests.length === 0) throw new Refusal({ code: 'no_items', side });
    const merged = new Map<number, ItemAmount>();
    for (const request of requests) {
      if (!Number.isInteger(request.quantity) || request.quantity < 1 || request.quantity > MAX_QUANTITY) {
        throw new Refusal({ code: 'invalid_quantity', name: request.name, quantity: request.quantity });
      }
      const found = find(marketId, request.name);
      if (!found) {
        throw new Refusal({ code: 'unknown_item', name: request.name, suggestions: closestNames(request.name, list(marketId)) });
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
    resolve,
    /** Adds an item; its slug comes from the name. Refuses a name already taken. */
    addItem(marketId: number, input: NewItem): Result<CatalogItem> {
      return runWrite(db, () => {
        const { name, slug } = validateName(input.name);
        const description = validateDescription(input.description);
        if (itemBySlug.get({ marketId, slug })) throw new Refusal({ code: 'item_exists', slug });
        const [row] = orm
          .insert(items)
          .values({ marketId, slug, name, emoji: input.emoji?.trim() || null, description, createdAt: clock() })
          .returning(columns)
          .all();
        if (!row) throw new Error('item insert returned nothing');
        return row;
      });
    },
    /** Renames or re-describes an item. Its slug follows a new name; ids, holdings and offers stay. */
    editItem(marketId: number, typed: string, changes: ItemChanges): Result<CatalogItem> {
      return runWrite(db, () => {
        const existing = find(marketId, typed);
        if (!existing) throw new Refusal({ code: 'item_not_found', name: typed, suggestions: closestNames(typed, list(marketId)) });
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
        return row;
      });
    },
  };
}

export type CatalogApi = ReturnType<typeof createCatalog>;
