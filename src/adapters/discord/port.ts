/** The Discord bot as a {@link PlatformPort}: what `main` starts and the jobs deliver through. */
import type { TradeCore } from '../../core/trade-core.js';
import type { Logger } from '../../logger.js';
import type { PlatformPort } from '../../platform.js';
import { createDiscordBot, DISCORD_CAPABILITIES } from './bot.js';
import { createDiscordDelivery } from './delivery.js';

export function discordPlatform(settings: { token: string; applicationId: string; apiUrl: string | undefined }, deps: { core: TradeCore; log: Logger }): PlatformPort {
  const discord = createDiscordBot({ ...settings, ...deps });
  const delivery = createDiscordDelivery(discord);
  return {
    name: 'discord',
    capabilities: DISCORD_CAPABILITIES,
    start: () => discord.start(),
    stop: () => discord.stop(),
    isRunning: () => discord.isRunning(),
    delivery: () => delivery,
    cardEditor: discord.cardEditor,
  };
}
