/**
 * `/market [ITEM] [page N]`: the open offers of this market, newest first. An offer made to one
 * member says so by name (the list is public, so never "for you"): others should not count on it.
 */
import { defineCommand } from './definition.js';
import { itemList } from './messages/index.js';
import { integerOption, textOption } from './options.js';
import { coreRefusal, publicReply } from './render/replies.js';

export default defineCommand({
  name: 'market',
  audience: 'everyone',
  readOnly: true,
  options: {
    item: textOption('item', { required: false, form: 'rest', maxLength: 60, placeholder: 'ITEM', autocomplete: 'item' }),
    page: integerOption('page', { required: false, min: 1, max: 1000 }),
  },
  run(ctx, args) {
    const listed = ctx.core.listMarketOffers(ctx.market.id, { item: args.item, page: args.page });
    if (!listed.ok) return coreRefusal(ctx, listed.error);
    const { entries, page, hasMore } = listed.value;
    const t = ctx.t.market;
    const lines = entries.map((offer) =>
      t.line(offer.id, offer.owner.displayName, itemList(offer.give), itemList(offer.want), offer.target?.displayName ?? null),
    );
    if (lines.length === 0) lines.push(t.empty);
    if (hasMore) lines.push(t.more(page + 1));
    const title = args.item ? t.filtered(args.item) : t.title(page);
    return { reply: publicReply(lines.join('\n'), { title, tone: 'info' }) };
  },
});
