/** `/decline N`: the member a directed offer was meant for turns it down. */
import { defineCommand } from './definition.js';
import { numberReferenceOption } from './options.js';
import { offerCard } from './render/offer-card.js';
import { coreRefusal, personalReply } from './render/replies.js';

export default defineCommand({
  name: 'decline',
  audience: 'everyone',
  pressable: true,
  options: { offer: numberReferenceOption('offer', { kind: 'offer', autocomplete: 'offers-for-me' }) },
  run(ctx, args) {
    const declined = ctx.core.declineOffer({ marketId: ctx.market.id, offerId: args.offer, memberId: ctx.member.id });
    if (!declined.ok) return coreRefusal(ctx, declined.error);
    return {
      reply: personalReply(ctx.t.declined(args.offer)),
      card: { offerId: args.offer, reply: offerCard(ctx.t, ctx.core.clock, declined.value.offer) },
    };
  },
});
