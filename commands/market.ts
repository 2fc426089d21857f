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
    // Page N is reached by walking the pages before it: the core reads by keyset now.
    const page = args.page ?? 1;
    let listed = ctx.core.listMarketOffers(ctx.market.id, { item: args.item });
    for (let walked = 1; walked < page && listed.ok && listed.value.next; walked += 1) {
      listed = ctx.core.listMarketOffers(ctx.market.id, { item: args.item, cursor: listed.value.next });
    }
    if (!listed.ok) return coreRefusal(ctx, listed.error);
    const { entries } = listed.value;
    const hasMore = listed.value.next !== null;
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
