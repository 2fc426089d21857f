/** The Telegram bot as a {@link PlatformPort}: what `main` starts and the jobs deliver through. */
import type { TradeCore } from '../../core/trade-core.js';
import type { Logger } from '../../logger.js';
import type { PlatformDelivery, PlatformPort } from '../../platform.js';
import { createTelegramBot, TELEGRAM_CAPABILITIES } from './bot.js';
import { createTelegramDelivery } from './delivery.js';

export function telegramPlatform(settings: { token: string; apiRoot: string | undefined }, deps: { core: TradeCore; log: Logger }): PlatformPort {
  const telegram = createTelegramBot({ ...settings, ...deps });
  let delivery: PlatformDelivery | undefined;
  return {
    name: 'telegram',
    capabilities: TELEGRAM_CAPABILITIES,
    start: () => telegram.start(),
    stop: () => telegram.stop(),
    isRunning: () => telegram.isRunning(),
    // The outbox's own client: it needs the bot's username, known once the bot has started.
    delivery: () => (delivery ??= createTelegramDelivery({ ...settings, botUsername: telegram.bot.botInfo.username })),
    cardEditor: telegram.cardEditor,
  };
}
