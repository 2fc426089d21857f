/**
 * Direct messages for the outbox jobs, through the running bot's client. The outbox keeps its own
 * retry schedule, so a failure goes straight back to it, classified:
 *
 * - unreachable: the member refuses DMs (50007), has no server in common with the bot any more
 *   (50278: they left; their next interaction makes them reachable again), or is gone (10013).
 * - retry: server errors and network failures (after discord.js's own retries), timeouts, a rate
 *   limit the client rejects instead of waiting it out (`RateLimitError`, with its wait), and the
 *   4xx answers that are not about this message: rate limits in another form (40003, 20016,
 *   20028), a bad token (401), and 50001 Missing Access. On a DM, 50001 is the bot's side, not
 *   the member's (Discord has answered it spuriously to bots that then sent the same DM after a
 *   restart), so it neither marks the member unreachable nor drops the message.
 * - rejected: any other 4xx, e.g. 50035 Invalid Form Body: this request can never succeed.
 *
 * How long one send may take is set on the bot's REST client (timeout, retries, which rate limits
 * to reject) in `client.ts`; it must stay well within the outbox lease.
 */
import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes } from 'discord.js';
import type { DeliveryOutcome, PlatformDelivery } from '../../platform.js';
import type { DiscordBot } from './bot.js';

const UNREACHABLE: readonly number[] = [
  RESTJSONErrorCodes.CannotSendMessagesToThisUser,
  RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds,
  RESTJSONErrorCodes.UnknownUser,
];
const NOT_ABOUT_THIS_MESSAGE: readonly number[] = [
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.OpeningDirectMessagesTooFast,
  RESTJSONErrorCodes.ActionCannotBePerformedDueToSlowmodeRateLimit,
  RESTJSONErrorCodes.ChannelWriteRateLimit,
];

export function createDiscordDelivery(bot: Pick<DiscordBot, 'sendDirectMessage' | 'sendToChannel'>): PlatformDelivery {
  return {
    platform: 'discord',
    async sendDirect(platformUserId, reply) {
      try {
        const sent = await bot.sendDirectMessage(platformUserId, reply);
        return { ok: true, sent: { platform: 'discord', chatId: sent.channelId, messageId: sent.id } };
      } catch (error) {
        return classify(error);
      }
    },
    // A guild has many channels and the bot keeps none as the market's: there is nowhere to post.
    sendToMarket: async () => ({ ok: false, kind: 'rejected', error: 'a Discord market has no channel of its own to post in' }),
    async sendToChat(channelId, reply) {
      try {
        const sent = await bot.sendToChannel(channelId, reply);
        if (!sent) return { ok: false, kind: 'rejected', error: `channel ${channelId} takes no messages` };
        return { ok: true, sent: { platform: 'discord', chatId: sent.channelId, messageId: sent.id } };
      } catch (error) {
        return classify(error);
      }
    },
  };
}

/** discord.js's failures, sorted into what retrying can and cannot fix. */
export function classify(error: unknown): DeliveryOutcome {
  if (error instanceof RateLimitError) {
    // Both in ms: the wait for this request, and for its route's bucket to reset.
    const retryAfterMs = Math.max(error.retryAfter, error.timeToReset, error.sublimitTimeout);
    return { ok: false, kind: 'retry', retryAfterMs, error: `rate limited on ${error.route} for ${retryAfterMs} ms (${error.scope})` };
  }
  if (error instanceof DiscordAPIError) {
    const code = Number(error.code);
    const description = `${error.status} ${error.code} ${error.message}`;
    if (UNREACHABLE.includes(code)) return { ok: false, kind: 'unreachable', error: description };
    if (error.status === 401 || NOT_ABOUT_THIS_MESSAGE.includes(code)) return { ok: false, kind: 'retry', error: description };
    if (error.status >= 400 && error.status < 500) return { ok: false, kind: 'rejected', error: description };
    return { ok: false, kind: 'retry', error: description };
  }
  if (error instanceof HTTPError) return { ok: false, kind: 'retry', error: `${error.status} ${error.message}` };
  // A timeout (AbortError) or a network failure.
  return { ok: false, kind: 'retry', error: `network: ${String(error)}` };
}
