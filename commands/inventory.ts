/** `/inventory`: what the member holds, and what their open offers hold in escrow. */
import { defineCommand } from './definition.js';
import { itemList } from './messages/index.js';
import { privateReply } from './render/replies.js';

export default defineCommand({
  name: 'inventory',
  audience: 'everyone',
  readOnly: true,
  options: {},
  run(ctx) {
    const { holdings, escrow } = ctx.core.getInventory(ctx.member.id);
    const t = ctx.t.inventory;
    const fields = [{ name: t.holdings, value: holdings.length ? itemList(holdings) : t.nothing }];
    if (escrow.length) fields.push({ name: t.escrow, value: escrow.map((e) => t.escrowLine(e.offerId, itemList(e.items))).join('\n') });
    return { reply: privateReply('', { title: t.title, fields }) };
  },
});
