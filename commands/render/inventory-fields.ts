/**
 * An inventory as reply fields: what the member holds, then each escrow (open offers, trades in
 * settlement, event entries) that holds anything. `/inventory` and `/admin inventory` word the
 * headings their own way (you / the member) and share the rest.
 */
import type { Inventory } from '../../src/core/inventory.js';
import type { Messages } from '../messages/index.js';
import { itemList } from '../messages/index.js';

export interface InventoryHeadings {
  holdings: string;
  /** What the holdings field says when everything the member has is in escrow. */
  noHoldings: string;
  escrow: string;
  tradeEscrow: string;
  entryEscrow: string;
}

/** Nothing held and nothing in escrow: one sentence says it better than empty fields. */
export const inventoryIsEmpty = (inventory: Inventory) =>
  inventory.holdings.length + inventory.escrow.length + inventory.tradeEscrow.length + inventory.entryEscrow.length === 0;

export function inventoryFields(t: Messages, inventory: Inventory, headings: InventoryHeadings): Array<{ name: string; value: string }> {
  const lines = t.inventory;
  const { holdings, escrow, tradeEscrow, entryEscrow } = inventory;
  const fields = [{ name: headings.holdings, value: holdings.length ? itemList(holdings) : headings.noHoldings }];
  if (escrow.length) fields.push({ name: headings.escrow, value: escrow.map((e) => lines.escrowLine(e.offerId, itemList(e.items))).join('\n') });
  if (tradeEscrow.length) fields.push({ name: headings.tradeEscrow, value: tradeEscrow.map((e) => lines.tradeEscrowLine(e.tradeId, itemList(e.items))).join('\n') });
  if (entryEscrow.length) fields.push({ name: headings.entryEscrow, value: entryEscrow.map((e) => lines.entryEscrowLine(e.entryId, itemList(e.items))).join('\n') });
  return fields;
}
