/** `/inventory`: what the member holds, and what their open offers, trades in settlement and event entries hold in escrow. */
import { defineCommand } from './definition.js';
import { inventoryFields, inventoryIsEmpty } from './render/inventory-fields.js';
import { privateReply } from './render/replies.js';

export default defineCommand({
  name: 'inventory',
  audience: 'everyone',
  readOnly: true,
  options: {},
  run(ctx) {
    const inventory = ctx.core.getInventory(ctx.member.id);
    const t = ctx.t.inventory;
    // Nothing at all is one sentence; a "You hold" field saying "You hold no items" would read twice.
    if (inventoryIsEmpty(inventory)) return { reply: privateReply(t.nothing, { title: t.title }) };
    // Everything in escrow: the member has items, just none outside their offers.
    const fields = inventoryFields(ctx.t, inventory, { ...t, noHoldings: t.allInEscrow });
    return { reply: privateReply('', { title: t.title, fields }) };
  },
});
