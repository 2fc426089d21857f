/** `/myoffers [STATUS]`: the member's own offers, newest first, a page at a time. */
import { OFFER_STATUSES } from '../src/core/types.js';
import { defineCommand, type CommandDefinition, type CommandResult } from './definition.js';
import { itemList } from './messages/index.js';
import { choiceOption, pageOption } from './options.js';
import { listReply } from './render/list-page.js';

const myoffers: CommandDefinition = defineCommand({
  name: 'myoffers',
  audience: 'everyone',
  readOnly: true,
  pressable: true,
  options: { status: choiceOption('status', { required: false, choices: OFFER_STATUSES }), page: pageOption() },
  run(ctx, args): CommandResult {
    const t = ctx.t.myOffers;
    const status = (value: string) => ctx.t.offer.status[value] ?? value;
    return listReply(ctx.t, ctx.core.listMyOffers(ctx.member.id, { status: args.status, cursor: args.page }), {
      command: myoffers,
      title: args.status ? t.titleIn(status(args.status)) : t.title,
      empty: t.empty,
      line: (offer) => t.line(offer.id, status(offer.status), itemList(offer.give), itemList(offer.want), offer.tradeId),
      filter: { status: args.status },
      visibility: 'private',
    });
  },
});

export default myoffers;
