/**
 * The matching step after `/post`: once the offer is posted (its own transaction committed), look
 * for a loop through it and execute the best one. Members of the loop hear of it by direct
 * message; the post's answer stays the offer as posted, and its card then follows the offer.
 */
import type { CommandContext, CommandResult } from './definition.js';
import { offerCard } from './render/offer-card.js';

/**
 * Runs the step for `offerId` and returns the card to bring up to date if a loop closed the
 * offer. A failure here (the database busy past its timeout) must not turn a committed post into
 * an error: it is logged, and the loop sweep looks again.
 */
export function matchLoopsAfterPost(ctx: CommandContext, offerId: number): CommandResult['card'] {
  try {
    if (!ctx.core.matchLoopsThrough(offerId)) return undefined;
  } catch (error) {
    ctx.log?.warn({ err: error, market: ctx.market.id, offer: offerId }, 'the loop step after a post failed; the loop sweep will look again');
    return undefined;
  }
  const closed = ctx.core.findOffer(offerId);
  return closed && { offerId, reply: offerCard(ctx.t, ctx.core.clock, closed) };
}
