/** `/cancel N`: the owner withdraws an offer and gets the escrowed items back. */
import { defineCommand } from './definition.js';
import { numberReferenceOption } from './options.js';
import { offerCard } from './render/offer-card.js';
import { coreRefusal, personalReply } from './render/replies.js';

export default defineCommand({
  name: 'cancel',
  audience: 'everyone',
  options: { offer: numberReferenceOption('offer', { kind: 'offer', autocomplete: 'own-offers' }) },
  run(ctx, args) {
    const cancelled = ctx.core.cancelOffer({ marketId: ctx.market.id, offerId: args.offer, memberId: ctx.member.id });
    if (!cancelled.ok) return coreRefusal(ctx, cancelled.error);
    const { offer, returned } = cancelled.value;
    return {
      reply: personalReply(ctx.t.cancelled(offer.id, returned)),
      card: { offerId: offer.id, reply: offerCard(ctx.t, ctx.core.clock, offer) },
    };
  },
});
