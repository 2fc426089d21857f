/** `/offer N`: the card of one offer, with its buttons. */
import { defineCommand } from './definition.js';
import { numberReferenceOption } from './options.js';
import { offerCard } from './render/offer-card.js';
import { coreRefusal } from './render/replies.js';

export default defineCommand({
  name: 'offer',
  audience: 'everyone',
  readOnly: true,
  pressable: true,
  options: { offer: numberReferenceOption('offer', { kind: 'offer', autocomplete: 'market-offers' }) },
  run(ctx, args) {
    const offer = ctx.core.getOffer(ctx.market.id, args.offer);
    if (!offer) return coreRefusal(ctx, { code: 'offer_not_found', offerId: args.offer });
    return { reply: offerCard(ctx.t, ctx.core.clock, offer) };
  },
});
