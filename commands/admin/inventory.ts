/** `/admin inventory MEMBER`: what a member holds (answered privately, as /inventory is), and what their open offers, trades in settlement and event entries hold in escrow. */
import { defineCommand } from '../definition.js';
import { itemList } from '../messages/index.js';
import { memberOption } from '../options.js';
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
    const { holdings, escrow, tradeEscrow, entryEscrow } = ctx.core.getInventory(member.id);
    if (holdings.length === 0 && escrow.length === 0 && tradeEscrow.length === 0 && entryEscrow.length === 0) {
      return { reply: privateReply(t.nothing(member.displayName), { title: t.title(member.displayName) }) };
    }
    const own = ctx.t.inventory;
    const fields = [{ name: t.holdings, value: holdings.length ? itemList(holdings) : t.none }];
    if (escrow.length) fields.push({ name: t.escrow, value: escrow.map((e) => own.escrowLine(e.offerId, itemList(e.items))).join('\n') });
    if (tradeEscrow.length) fields.push({ name: t.tradeEscrow, value: tradeEscrow.map((e) => own.tradeEscrowLine(e.tradeId, itemList(e.items))).join('\n') });
    if (entryEscrow.length) fields.push({ name: t.entryEscrow, value: entryEscrow.map((e) => own.entryEscrowLine(e.entryId, itemList(e.items))).join('\n') });
    return { reply: privateReply('', { title: t.title(member.displayName), fields }) };
  },
});
