/**
 * Direct messages for the outbox jobs, through the running bot's client. The outbox keeps its own
 * retry schedule, so a failure goes straight back to it: a member who refuses DMs (or is gone) is unreachable,
 * anything else thrown (server error, network) is retried by the job. discord.js already waits
 * out rate limits before it answers.
 */
import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import type { PlatformDelivery } from '../../jobs/delivery.js';
import type { DiscordBot } from './bot.js';

const UNREACHABLE: number[] = [RESTJSONErrorCodes.CannotSendMessagesToThisUser, RESTJSONErrorCodes.UnknownUser];

export function createDiscordDelivery(bot: Pick<DiscordBot, 'sendDirectMessage'>): PlatformDelivery {
  return {
    platform: 'discord',
    async sendDirect(platformUserId, text) {
      try {
        await bot.sendDirectMessage(platformUserId, { text, visibility: 'private', tone: 'info' });
        return { ok: true };
      } catch (error) {
        // Closed DMs, or an account that is gone: no retry will reach them.
        if (error instanceof DiscordAPIError && UNREACHABLE.includes(Number(error.code))) {
          return { ok: false, kind: 'unreachable', error: `${error.status} ${error.code} ${error.message}` };
        }
        throw error;
      }
    },
    // A guild has many channels and the bot keeps none as the market's: there is nowhere to post.
    sendToMarket: async () => ({ ok: false, kind: 'rejected', error: 'a Discord market has no channel of its own to post in' }),
  };
}
