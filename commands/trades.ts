/** `/trades [FILTER]`: the member's trade history (filter: active, inactive, or a state). */
import { TRADE_FILTERS } from '../src/core/trades.js';
import { defineCommand } from './definition.js';
import { itemList } from './messages/index.js';
import { choiceOption } from './options.js';
import { privateReply } from './render/replies.js';

export default defineCommand({
  name: 'trades',
  audience: 'everyone',
  readOnly: true,
  options: { filter: choiceOption('filter', { required: false, choices: TRADE_FILTERS }) },
  run(ctx, args) {
    const t = ctx.t.trades;
    const lines = ctx.core.listTrades(ctx.member.id, { filter: args.filter, size: 25 }).entries.map((trade) => {
      const asOwner = trade.owner.id === ctx.member.id;
      const other = asOwner ? trade.taker : trade.owner;
      const when = new Date(trade.completedAt ?? trade.createdAt).toISOString().slice(0, 10);
      const rated = (asOwner ? trade.ratingByOwner : trade.ratingByTaker) !== null || trade.status !== 'completed';
      return t.line(trade.id, when, other.displayName, itemList(asOwner ? trade.ownerGave : trade.takerGave), itemList(asOwner ? trade.takerGave : trade.ownerGave), rated);
    });
    return { reply: privateReply(lines.length ? lines.join('\n') : t.empty, { title: t.title }) };
  },
});
