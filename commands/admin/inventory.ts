/** `/admin inventory MEMBER`: what a member holds (answered privately, as /inventory is), and what their open offers, trades in settlement and event entries hold in escrow. */
import { defineCommand } from '../definition.js';
import { memberOption } from '../options.js';
import { inventoryFields, inventoryIsEmpty } from '../render/inventory-fields.js';
import { privateReply, refusal, resolveMember } from '../render/replies.js';

export default defineCommand({
  name: 'inventory',
  audience: 'admin',
  readOnly: true,
  options: { member: memberOption('member') },
  run(ctx, args) {
    const resolved = resolveMember(ctx, args.member);
    if (!resolved.ok) return refusal(resolved.refusal);
    const { member } = resolved;
    const t = ctx.t.adminTools.inventory;
    const inventory = ctx.core.getInventory(member.id);
    if (inventoryIsEmpty(inventory)) return { reply: privateReply(t.nothing(member.displayName), { title: t.title(member.displayName) }) };
    const fields = inventoryFields(ctx.t, inventory, { ...t, noHoldings: t.none });
    return { reply: privateReply('', { title: t.title(member.displayName), fields }) };
  },
});
