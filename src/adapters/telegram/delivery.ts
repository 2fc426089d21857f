/**
 * Direct messages for the outbox jobs. Uses its own API client (throttled, without the
 * auto-retry plugin) because the outbox keeps its own retry schedule: a failure is reported
 * straight back to it, classified: the member cannot be reached (blocked, never started the bot,
 * account gone), the message is refused for good (another 4xx about the request), or try again
 * (rate limit, server error, network, timeout, and the bot's own token or address being wrong,
 * which an operator fixes). Every request times out well within the outbox lease, so a slow
 * answer becomes a retry instead of a second process sending the same message.
 */
import { apiThrottler, type APIThrottlerOptions } from '@grammyjs/transformer-throttler';
import { sendAttachments } from './attachments.js';
import { Api, GrammyError, HttpError } from 'grammy';
import type { Reply } from '../../../commands/definition.js';
import type { DeliveryOutcome, PlatformDelivery } from '../../platform.js';
import { messageOptions, renderHtml } from './render.js';

/** grammY's default is 500 s; the outbox lease is 30 s. The throttler's wait comes on top. */
export const DELIVERY_TIMEOUT_SECONDS = 10;

export function createTelegramDelivery(options: {
  token: string;
  apiRoot?: string | undefined;
  botUsername: string;
  throttle?: APIThrottlerOptions;
  timeoutSeconds?: number;
}): PlatformDelivery {
  const api = new Api(options.token, {
    ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
    timeoutSeconds: options.timeoutSeconds ?? DELIVERY_TIMEOUT_SECONDS,
  });
  api.config.use(apiThrottler(options.throttle));

  const send = async (chatId: string, reply: Reply): Promise<DeliveryOutcome> => {
    try {
      const sent = await api.sendMessage(Number(chatId), renderHtml(reply), messageOptions(reply));
      await sendAttachments(api, Number(chatId), reply);
      return { ok: true, sent: { platform: 'telegram', chatId, messageId: String(sent.message_id) } };
    } catch (error) {
      return classify(error);
    }
  };
  return {
    platform: 'telegram',
    sendDirect: send,
    sendToMarket: (chatId, text) => send(chatId, { text, visibility: 'public', tone: 'info' }),
    // A Telegram market is one group: the chat a command came from is that group.
    sendToChat: send,
    startLink: `https://t.me/${options.botUsername}?start=notifications`,
  };
}

/** Telegram's answers, sorted into what retrying can and cannot fix. */
export function classify(error: unknown): DeliveryOutcome {
  if (error instanceof GrammyError) {
    const code = error.error_code;
    const description = `${code} ${error.description}`;
    // 403: blocked, never started, deactivated (for a group: the bot was removed); 400 chat or
    // user not found, PEER_ID_INVALID: the account is gone or was never seen.
    if (code === 403 || (code === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(error.description))) {
      return { ok: false, kind: 'unreachable', error: description };
    }
    // 401 and 404 say the bot's token or API address is wrong: no fault of this message.
    if (code === 401 || code === 404) return { ok: false, kind: 'retry', error: description };
    // Any other 4xx but a rate limit says this request itself is wrong: sending it again cannot help.
    if (code >= 400 && code < 500 && code !== 429) return { ok: false, kind: 'rejected', error: description };
    const retryAfter = error.parameters.retry_after;
    return { ok: false, kind: 'retry', retryAfterMs: retryAfter !== undefined ? retryAfter * 1000 : undefined, error: description };
  }
  if (error instanceof HttpError) return { ok: false, kind: 'retry', error: `network: ${error.message}` };
  throw error;
}
