/**
 * How the bot's API calls go out: watched for outages, retried after a 429, and each chat's
 * message edits in one line.
 */
import { autoRetry, type AutoRetryOptions } from '@grammyjs/auto-retry';
import type { Api } from 'grammy';
import type { Logger } from '../../logger.js';
import { createEditLines } from './edit-lines.js';

/** An outage is logged at most this often: grammY retries getMe and getUpdates on its own, silently. */
const OUTAGE_WARNING_EVERY_MS = 60_000;

export interface ApiWatch {
  /** When Telegram last answered a `getUpdates` (or the start-up calls): the heartbeat's evidence. */
  lastPolledAt(): number;
  /** The connection was just seen working (start-up calls answered). */
  markPolled(): void;
}

export function configureApi(api: Api, options: { log: Logger; apiRoot: string | undefined; retry?: Partial<AutoRetryOptions> | undefined }): ApiWatch {
  const { log } = options;
  let lastPolledAt = 0;
  let lastOutageWarning = 0;
  // Installed before the retry plugin, it sits closest to the network and sees every attempt.
  // grammY keeps polling and retrying through an outage, so "running" alone says nothing about
  // the connection: the time of the last answered getUpdates does.
  api.config.use(async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (method === 'getUpdates' && result.ok) lastPolledAt = Date.now();
      return result;
    } catch (error) {
      if ((method === 'getMe' || method === 'getUpdates') && Date.now() - lastOutageWarning > OUTAGE_WARNING_EVERY_MS) {
        lastOutageWarning = Date.now();
        log.warn({ err: error, method, apiRoot: options.apiRoot ?? 'https://api.telegram.org' }, 'cannot reach Telegram; retrying');
      }
      throw error;
    }
  });
  // No throttler here, as grammY's guide on flood limits advises: auto-retry waits out a 429 for
  // the one call that got it. A queue in front of every call made one member's answer (or an admin
  // look-up) wait behind other chats' traffic. Only the outbox, which broadcasts, is paced
  // (delivery.ts).
  api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, ...options.retry }));
  // Outermost: each chat's message edits go out one at a time, in order (edit-lines.ts).
  api.config.use(createEditLines());
  return { lastPolledAt: () => lastPolledAt, markPolled: () => void (lastPolledAt = Date.now()) };
}
