/**
 * Direct messages for the outbox jobs. Uses its own API client (throttled, without the
 * auto-retry plugin) because the outbox keeps its own retry schedule: a failure is reported
 * straight back to it, classified: the member cannot be reached (blocked, never started the bot),
 * the message is refused for good (another 4xx), or try again (rate limit, server error, network).
 */
import { apiThrottler, type APIThrottlerOptions } from '@grammyjs/transformer-throttler';
import { Api, GrammyError, HttpError } from 'grammy';
import type { DeliveryOutcome, PlatformDelivery } from '../../jobs/delivery.js';

export function createTelegramDelivery(options: {
  token: string;
  apiRoot?: string | undefined;
  botUsername: string;
  throttle?: APIThrottlerOptions;
}): PlatformDelivery {
  const api = new Api(options.token, options.apiRoot ? { apiRoot: options.apiRoot } : {});
  api.config.use(apiThrottler(options.throttle));

  const send = async (chatId: string, text: string): Promise<DeliveryOutcome> => {
    try {
      await api.sendMessage(Number(chatId), text, { link_preview_options: { is_disabled: true } });
      return { ok: true };
    } catch (error) {
      return classify(error);
    }
  };
  return {
    platform: 'telegram',
    sendDirect: send,
    sendToMarket: send,
    startLink: `https://t.me/${options.botUsername}?start=notifications`,
  };
}

/** Telegram's answers, sorted into what retrying can and cannot fix. */
export function classify(error: unknown): DeliveryOutcome {
  if (error instanceof GrammyError) {
    const description = `${error.error_code} ${error.description}`;
    // 403: blocked, or never started; 400 chat not found: the account is gone.
    if (error.error_code === 403 || (error.error_code === 400 && /chat not found|user not found/i.test(error.description))) {
      return { ok: false, kind: 'unreachable', error: description };
    }
    // Any other 4xx but a rate limit says this request itself is wrong: sending it again cannot help.
    if (error.error_code >= 400 && error.error_code < 500 && error.error_code !== 429) return { ok: false, kind: 'rejected', error: description };
    const retryAfter = error.parameters.retry_after;
    return { ok: false, kind: 'retry', retryAfterMs: retryAfter ? retryAfter * 1000 : undefined, error: description };
  }
  if (error instanceof HttpError) return { ok: false, kind: 'retry', error: `network: ${error.message}` };
  throw error;
}
