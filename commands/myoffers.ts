/** `/myoffers [STATUS]`: the member's own offers. */
import { OFFER_STATUSES } from '../src/core/types.js';
import { defineCommand } from './definition.js';
import { itemList } from './messages/index.js';
import { choiceOption } from './options.js';
import { privateReply } from './render/replies.js';

export default defineCommand({
  name: 'myoffers',
  audience: 'everyone',
  readOnly: true,
  options: { status: choiceOption('status', { required: false, choices: OFFER_STATUSES }) },
  run(ctx, args) {
    const offers = ctx.core.listMyOffers(ctx.member.id, { status: args.status, size: 25 }).entries;
    const t = ctx.t.myOffers;
    const lines = offers.map((offer) =>
      t.line(offer.id, ctx.t.offer.status[offer.status] ?? offer.status, itemList(offer.give), itemList(offer.want), offer.tradeId),
    );
    return { reply: privateReply(lines.length ? lines.join('\n') : t.empty, { title: t.title }) };
  },
});
