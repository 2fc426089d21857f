/** `/inventory`: what the member holds, and what their open offers, trades in settlement and event entries hold in escrow. */
import { defineCommand } from './definition.js';
import { itemList } from './messages/index.js';
import { privateReply } from './render/replies.js';

export default defineCommand({
  name: 'inventory',
  audience: 'everyone',
  readOnly: true,
  options: {},
  run(ctx) {
    const { holdings, escrow, tradeEscrow, entryEscrow } = ctx.core.getInventory(ctx.member.id);
    const t = ctx.t.inventory;
    // Nothing at all is one sentence; a "You hold" field saying "You hold no items" would read twice.
    if (holdings.length === 0 && escrow.length === 0 && tradeEscrow.length === 0 && entryEscrow.length === 0) return { reply: privateReply(t.nothing, { title: t.title }) };
    // Everything in escrow: the member has items, just none outside their offers.
    const fields = [{ name: t.holdings, value: holdings.length ? itemList(holdings) : t.allInEscrow }];
    if (escrow.length) fields.push({ name: t.escrow, value: escrow.map((e) => t.escrowLine(e.offerId, itemList(e.items))).join('\n') });
    if (tradeEscrow.length) fields.push({ name: t.tradeEscrow, value: tradeEscrow.map((e) => t.tradeEscrowLine(e.tradeId, itemList(e.items))).join('\n') });
    if (entryEscrow.length) fields.push({ name: t.entryEscrow, value: entryEscrow.map((e) => t.entryEscrowLine(e.entryId, itemList(e.items))).join('\n') });
    return { reply: privateReply('', { title: t.title, fields }) };
  },
});
