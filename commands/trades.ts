/** `/trades [FILTER]`: the member's trade history (filter: active, inactive, or a state), a page at a time. */
import { TRADE_FILTERS } from '../src/core/trades.js';
import { defineCommand, type CommandDefinition, type CommandResult } from './definition.js';
import { itemList } from './messages/index.js';
import { choiceOption, pageOption } from './options.js';
import { listReply } from './render/list-page.js';

const trades: CommandDefinition = defineCommand({
  name: 'trades',
  audience: 'everyone',
  readOnly: true,
  pressable: true,
  options: { filter: choiceOption('filter', { required: false, choices: TRADE_FILTERS }), page: pageOption() },
  run(ctx, args): CommandResult {
    const t = ctx.t.trades;
    return listReply(ctx.t, ctx.core.listTrades(ctx.member.id, { filter: args.filter, cursor: args.page }), {
      command: trades,
      title: args.filter ? t.titleIn(args.filter) : t.title,
      empty: t.empty,
      line: (trade) => {
        const asOwner = trade.owner.id === ctx.member.id;
        const other = asOwner ? trade.taker : trade.owner;
        const when = new Date(trade.completedAt ?? trade.createdAt).toISOString().slice(0, 10);
        const rated = (asOwner ? trade.ratingByOwner : trade.ratingByTaker) !== null || trade.status !== 'completed';
        return t.line(trade.id, when, other.displayName, itemList(asOwner ? trade.ownerGave : trade.takerGave), itemList(asOwner ? trade.takerGave : trade.ownerGave), rated);
      },
      filter: { filter: args.filter },
      visibility: 'private',
    });
  },
});

export default trades;
