/**
 * `/market [ITEM]`: the open offers of this market, newest first, a page at a time with Previous
 * and Next buttons. An offer made to one member says so by name (the list is public, so never
 * "for you"): others should not count on it.
 */
import { defineCommand, type CommandDefinition, type CommandResult } from './definition.js';
import { itemList, itemName } from './messages/index.js';
import { pageOption, textOption } from './options.js';
import { listReply } from './render/list-page.js';
import { coreRefusal } from './render/replies.js';

/** An item's number, as the page buttons write it: no item name is a number, so it is never one. */
const ITEM_NUMBER = /^[1-9][0-9]{0,9}$/;

const market: CommandDefinition = defineCommand({
  name: 'market',
  audience: 'everyone',
  readOnly: true,
  pressable: true,
  options: {
    item: textOption('item', { required: false, form: 'rest', maxLength: 60, placeholder: 'ITEM', autocomplete: 'item', buttonForm: 'item-number' }),
    page: pageOption(),
  },
  run(ctx, args): CommandResult {
    const typed = args.item;
    const item = typed !== undefined && ITEM_NUMBER.test(typed) ? Number(typed) : typed;
    const listed = ctx.core.listMarketOffers(ctx.market.id, { item, cursor: args.page });
    if (!listed.ok) return coreRefusal(ctx, listed.error);
    const t = ctx.t.market;
    const filter = listed.value.item;
    return listReply(ctx.t, listed.value, {
      command: market,
      title: filter ? t.filtered(itemName(filter)) : t.title,
      empty: t.empty,
      line: (offer) => t.line(offer.id, offer.owner.displayName, itemList(offer.give), itemList(offer.want), offer.target?.displayName ?? null, offer.ownerReputation),
      // By number: a name may be too long for a button (64 bytes on Telegram).
      filter: { item: filter && String(filter.id) },
      visibility: 'public',
    });
  },
});

export default market;
