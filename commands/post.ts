/** `/post give ITEMS want ITEMS [hours N] [to @member] [note TEXT]`: a new offer, its items escrowed. */
import { DEFAULT_OFFER_HOURS, MAX_NOTE_LENGTH, MAX_OFFER_HOURS, MIN_OFFER_HOURS } from '../src/core/post-offer.js';
import { defineCommand } from './definition.js';
import { matchLoopsAfterPost } from './loops-after-post.js';
import { integerOption, itemsOption, memberOption, textOption } from './options.js';
import { offerCard } from './render/offer-card.js';
import { coreRefusal, refusal, resolveMember } from './render/replies.js';

export default defineCommand({
  name: 'post',
  audience: 'everyone',
  options: {
    give: itemsOption('give', { autocomplete: 'inventory' }),
    want: itemsOption('want', { autocomplete: 'catalog' }),
    hours: integerOption('hours', {
      required: false,
      min: MIN_OFFER_HOURS,
      max: MAX_OFFER_HOURS,
    }),
    to: memberOption('to', { required: false, form: 'keyword' }),
    note: textOption('note', { required: false, maxLength: MAX_NOTE_LENGTH, trailing: true }),
  },
  run(ctx, args) {
    let targetId: number | undefined;
    if (args.to) {
      const resolved = resolveMember(ctx, args.to);
      if (!resolved.ok) return refusal(resolved.refusal);
      targetId = resolved.member.id;
    }
    const posted = ctx.core.postOffer({
      marketId: ctx.market.id,
      ownerId: ctx.member.id,
      give: args.give,
      want: args.want,
      hours: args.hours,
      targetId,
      note: args.note,
    });
    if (!posted.ok) return coreRefusal(ctx, posted.error);
    // The answer is the offer as posted; a loop it closes right away is told by DM and edits the card.
    const reply = offerCard(ctx.t, ctx.core.clock, posted.value);
    const card = matchLoopsAfterPost(ctx, posted.value.id);
    return card ? { reply, card } : { reply };
  },
});
