/**
 * Direct messages for the outbox jobs, through the running bot's client. The outbox keeps its own
 * retry schedule, so a failure goes straight back to it: a member who refuses DMs (or is gone) is unreachable,
 * anything else thrown (server error, network) is retried by the job. discord.js already waits
 * out rate limits before it answers.
 */
import type { PlatformDelivery } from '../../jobs/delivery.js';
import type { DiscordBot } from './bot.js';

export function createDiscordDelivery(bot: Pick<DiscordBot, 'sendDirectMessage'>): PlatformDelivery {
  return {
    platform: 'discord',
    async sendDirect(platformUserId, text) {
      const sent = await bot.sendDirectMessage(platformUserId, { text, visibility: 'private', tone: 'info' });
      return sent.delivered ? { ok: true } : { ok: false, kind: 'unreachable', error: sent.error };
    },
    // A guild has many channels and the bot keeps none as the market's: there is nowhere to post.
    sendToMarket: async () => ({ ok: false, kind: 'rejected', error: 'a Discord market has no channel of its own to post in' }),
  };
}
