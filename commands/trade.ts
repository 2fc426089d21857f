/** `/trade TRADE`: one of the member's trades as a card, with the buttons for their next step. */
import { defineCommand } from './definition.js';
import { numberReferenceOption } from './options.js';
import { coreRefusal } from './render/replies.js';
import { tradeCard } from './render/trade-card.js';

export default defineCommand({
  name: 'trade',
  audience: 'everyone',
  readOnly: true,
  pressable: true,
  options: { trade: numberReferenceOption('trade', { kind: 'trade' }) },
  run(ctx, args) {
    const trade = ctx.core.getTrade(ctx.market.id, args.trade, ctx.member.id);
    return trade.ok ? { reply: tradeCard(ctx.t, ctx.core.clock, trade.value, ctx.member.id) } : coreRefusal(ctx, trade.error);
  },
});
