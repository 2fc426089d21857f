/** `/cancel N`: the owner withdraws an offer and gets the escrowed items back. */
import { defineCommand } from './definition.js';
import { numberReferenceOption } from './options.js';
import { offerCard } from './render/offer-card.js';
import { coreRefusal, personalReply } from './render/replies.js';

export default defineCommand({
  name: 'cancel',
  audience: 'everyone',
  pressable: true,
  options: { offer: numberReferenceOption('offer', { kind: 'offer', autocomplete: 'own-offers' }) },
  run(ctx, args) {
    const cancelled = ctx.core.cancelOffer({ marketId: ctx.market.id, offerId: args.offer, memberId: ctx.member.id });
    if (!cancelled.ok) return coreRefusal(ctx, cancelled.error);
    const { offer, returned } = cancelled.value;
    // Past its expiry the core closes the offer as expired, not cancelled: say so.
    const text = offer.status === 'expired' ? ctx.t.cancelledExpired(offer.id, returned) : ctx.t.cancelled(offer.id, returned);
    return {
      reply: personalReply(text),
      card: { offerId: offer.id, reply: offerCard(ctx.t, ctx.core.clock, offer) },
    };
  },
});
