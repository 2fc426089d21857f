/** `/rate TRADE STARS [COMMENT]`: each side rates the other once after a trade. */
import { MAX_COMMENT_LENGTH } from '../src/core/trades.js';
import { defineCommand } from './definition.js';
import { integerOption, numberReferenceOption, textOption } from './options.js';
import { coreRefusal, personalReply } from './render/replies.js';

export default defineCommand({
  name: 'rate',
  audience: 'everyone',
  pressable: true,
  options: {
    trade: numberReferenceOption('trade', { kind: 'trade', autocomplete: 'unrated-trades' }),
    stars: integerOption('stars', { min: 1, max: 5, form: 'positional', placeholder: '1-5' }),
    comment: textOption('comment', { required: false, form: 'rest', maxLength: MAX_COMMENT_LENGTH }),
  },
  run(ctx, args) {
    const rated = ctx.core.rateTrade({ marketId: ctx.market.id, tradeId: args.trade, memberId: ctx.member.id, stars: args.stars, comment: args.comment });
    if (!rated.ok) return coreRefusal(ctx, rated.error);
    const trade = rated.value;
    const other = trade.owner.id === ctx.member.id ? trade.taker : trade.owner;
    return { reply: personalReply(ctx.t.rated(trade.id, args.stars, other.displayName)) };
  },
});
