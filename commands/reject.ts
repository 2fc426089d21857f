/** `/reject TRADE`: the owner turns down the taker of a pending trade; the offer is open again. */
import { defineCommand } from './definition.js';
import { numberReferenceOption } from './options.js';
import { settlementReply } from './render/settlement-reply.js';

export default defineCommand({
  name: 'reject',
  audience: 'everyone',
  pressable: true,
  options: { trade: numberReferenceOption('trade', { kind: 'trade' }) },
  run: (ctx, args) => settlementReply(ctx, ctx.core.rejectTrade({ marketId: ctx.market.id, tradeId: args.trade, memberId: ctx.member.id })),
});
