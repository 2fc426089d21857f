/**
 * What a math trade is solved from: one entry per offered item, with the items its owner would
 * take for it, best first. The want-list parser produces these from TradeMaximizer's text format;
 * an event in chat builds them from its entries and ranked wishes directly.
 */

/** One offered item and what its owner would accept for it. */
export interface MathTradeEntry {
  /** The item's name, unique among real items (dummies are unique per owner). */
  name: string;
  /** Who offers it; `null` when the want list names no users (then only an item itself is "own"). */
  owner: string | null;
  /**
   * A dummy (`%NAME`) is an owner's private pass-through: it can receive one of the items it lists
   * and hand it on to one of its owner's items. It never counts as traded.
   */
  isDummy: boolean;
  /**
   * Acceptable items in rank groups, best group first; the wants inside a group are in order of
   * preference too. A group boundary is TradeMaximizer's `;`, which lowers the rank of what follows.
   * A dummy is named with its `%`, and stands for its owner's dummy of that name.
   */
  wants: readonly (readonly string[])[];
  /** The want-list line it came from, for warnings; absent for entries built in code. */
  line?: number;
}

/** A parsed want-list file: the entries and everything the parser wants the reader to know. */
export interface WantList {
  entries: MathTradeEntry[];
  /** The `#!` options, as written (upper case). */
  options: string[];
  /** Names from the `!BEGIN-OFFICIAL-NAMES` block, or `null` when the file has none. */
  officialNames: ReadonlySet<string> | null;
  /** Sentences about accepted but ignored input (options not implemented, duplicate lists, ...). */
  warnings: string[];
}

/** A line the parser could not read: where, and what it expected there. */
export interface WantListError {
  line: number;
  message: string;
}

export type WantListParse = { ok: true; wantList: WantList } | { ok: false; error: WantListError };
