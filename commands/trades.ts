/**
 * `/trades [FILTER]`: the member's trades on either side, a page at a time. The filter is a
 * state, several states (`pending cancelled`), or a group: `active` (pending, processing) or
 * `inactive` (completed, cancelled), as the transaction spec asks.
 */
import { TRADE_FILTER_GROUPS, tradeFilterStatuses } from '../src/core/trades.js';
import { TRADE_STATUSES, type TradeView } from '../src/core/types.js';
import { defineCommand, type CommandContext, type CommandDefinition, type CommandResult } from './definition.js';
import { itemList } from './messages/index.js';
import { choiceSetOption, pageOption } from './options.js';
import { listReply } from './render/list-page.js';

/** One trade as the list shows it to `ctx.member`, with its state when it is not a plain completed swap. */
function tradeLine(ctx: CommandContext, trade: TradeView): string {
  const t = ctx.t.trades;
  const asOwner = trade.owner.id === ctx.member.id;
  const other = (asOwner ? trade.taker : trade.owner).displayName;
  const gave = itemList(asOwner ? trade.ownerGave : trade.takerGave);
  const got = itemList(asOwner ? trade.takerGave : trade.ownerGave);
  const when = new Date(trade.completedAt ?? trade.createdAt).toISOString().slice(0, 10);
  if (trade.status !== 'completed') {
    return t.settlementLine(trade.id, when, ctx.t.trade.shortState(trade.status, trade.confirmedAt !== null, trade.cancelReason), other, gave, got);
  }
  const rated = (asOwner ? trade.ratingByOwner : trade.ratingByTaker) !== null;
  return t.line(trade.id, when, other, gave, got, rated);
}

const trades: CommandDefinition = defineCommand({
  name: 'trades',
  audience: 'everyone',
  readOnly: true,
  pressable: true,
  options: { filter: choiceSetOption('filter', { required: false, members: TRADE_STATUSES, groups: TRADE_FILTER_GROUPS }), page: pageOption() },
  run(ctx, args): CommandResult {
    const t = ctx.t.trades;
    const filter = args.filter === undefined ? undefined : tradeFilterStatuses(args.filter);
    return listReply(ctx.t, ctx.core.listTrades(ctx.member.id, { filter, cursor: args.page }), {
      command: trades,
      title: args.filter ? t.titleIn(args.filter.replaceAll(',', ', ')) : t.title,
      empty: t.empty,
      line: (trade) => tradeLine(ctx, trade),
      filter: { filter: args.filter },
      visibility: 'private',
    });
  },
});

export default trades;
