/** `/confirm TRADE`: the caller's next step in confirm settlement (owner: accept the taker, then the handover; taker: receipt). */
import { defineCommand } from './definition.js';
import { numberReferenceOption } from './options.js';
import { settlementReply } from './render/settlement-reply.js';

export default defineCommand({
  name: 'confirm',
  audience: 'everyone',
  pressable: true,
  options: { trade: numberReferenceOption('trade', { kind: 'trade' }) },
  run: (ctx, args) => settlementReply(ctx, ctx.core.confirmTrade({ marketId: ctx.market.id, tradeId: args.trade, memberId: ctx.member.id })),
});
