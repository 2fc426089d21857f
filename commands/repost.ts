/**
 * `/repost N`: posts an offer of yours that ended without a trade (expired, cancelled, declined,
 * removed) again, with the same items, member, note and duration. The obvious next step after an
 * expiry, one press away on its direct message; it posts like `/post`, escrow and loop step included.
 */
import type { OfferView } from '../src/core/types.js';
import { defineCommand } from './definition.js';
import { matchLoopsAfterPost } from './loops-after-post.js';
import { numberReferenceOption } from './options.js';
import { offerCard } from './render/offer-card.js';
import { coreRefusal, refusal } from './render/replies.js';

const HOUR_MS = 3_600_000;
const asTyped = (lines: OfferView['give']) => lines.map(({ item, quantity }) => ({ name: item.slug, quantity }));

export default defineCommand({
  name: 'repost',
  audience: 'everyone',
  pressable: true,
  options: { offer: numberReferenceOption('offer', { kind: 'offer', autocomplete: 'own-offers' }) },
  run(ctx, args) {
    const old = ctx.core.getOffer(ctx.market.id, args.offer);
    if (!old) return coreRefusal(ctx, { code: 'offer_not_found', offerId: args.offer });
    if (old.owner.id !== ctx.member.id) return refusal(ctx.t.repost.notYours(old.id));
    if (old.status === 'active') return refusal(ctx.t.repost.stillOpen(old.id));
    if (old.tradeId !== null || old.status === 'completed' || old.status === 'settling') return refusal(ctx.t.repost.traded(old.id));
    const posted = ctx.core.postOffer({
      marketId: ctx.market.id,
      ownerId: ctx.member.id,
      give: asTyped(old.give),
      want: asTyped(old.want),
      hours: Math.max(1, Math.round((old.expiresAt - old.createdAt) / HOUR_MS)),
      targetId: old.target?.id,
      note: old.note,
    });
    if (!posted.ok) return coreRefusal(ctx, posted.error);
    // Like `/post`: the loop step through the new offer (else it would wait for the sweep).
    const reply = offerCard(ctx.t, ctx.core.clock, posted.value);
    const card = matchLoopsAfterPost(ctx, posted.value.id);
    return card ? { reply, card } : { reply };
  },
});
