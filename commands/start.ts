/**
 * `/start [LINK]`: what a member sees on opening the bot's private chat, and what a link to the
 * bot opens (`offer_12`: that offer's card, in its own market). Only where a private chat acts on
 * a picked market (capability `privateMarkets`).
 */
import { defineCommand, type CommandContext, type CommandResult } from './definition.js';
import { textOption } from './options.js';
import { offerCard } from './render/offer-card.js';
import { personalReply, refusal } from './render/replies.js';

export default defineCommand({
  name: 'start',
  audience: 'everyone',
  readOnly: true,
  requires: 'privateMarkets',
  options: { link: textOption('link', { required: false, form: 'rest', maxLength: 64, placeholder: 'LINK' }) },
  run(ctx, args) {
    if (args.link === undefined) return { reply: personalReply(ctx.t.help.intro, { title: ctx.t.help.title, tone: 'info' }) };
    const offerId = /^offer_(\d{1,15})$/.exec(args.link.trim())?.[1];
    if (offerId === undefined) return refusal(ctx.t.start.unknownLink);
    return openOffer(ctx, Number(offerId));
  },
});

/**
 * An offer's link opens it where it is: its market becomes the one the private chat acts on.
 * Offer numbers are easy to guess (a link's payload is the member's to write), so opening one
 * must not make anyone a member of a market: only a market they trade in and still belong to.
 */
async function openOffer(ctx: CommandContext, offerId: number): Promise<CommandResult> {
  const offer = ctx.core.findOffer(offerId);
  const market = offer && ctx.core.getMarket(offer.marketId);
  const there = market && market.platform === ctx.market.platform ? await ctx.enterMarket?.(market) : undefined;
  const shown = there && ctx.core.getOffer(there.market.id, offerId);
  if (!there || !shown) return refusal(ctx.t.start.offerElsewhere(offerId));
  return { reply: offerCard(there.t, there.core.clock, shown), market: there.market };
}
