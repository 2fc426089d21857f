/** `/withdraw TRADE`: either side leaves a trade before the handover is confirmed; both escrows go back. */
import { defineCommand } from './definition.js';
import { numberReferenceOption } from './options.js';
import { settlementReply } from './render/settlement-reply.js';

export default defineCommand({
  name: 'withdraw',
  audience: 'everyone',
  pressable: true,
  options: { trade: numberReferenceOption('trade', { kind: 'trade' }) },
  run: (ctx, args) => settlementReply(ctx, ctx.core.withdrawTrade({ marketId: ctx.market.id, tradeId: args.trade, memberId: ctx.member.id })),
});
