/**
 * Concurrent long polling for the Telegram bot, with grammY's runner (`@grammyjs/runner`).
 *
 * grammY's built-in `bot.start()` handles one update after another, so one slow update (an answer
 * waiting out a group's flood limit, a slow look-up) held back every chat. The runner fetches
 * updates as they come and hands each to the bot at once; `sequentialize` (installed by the bot)
 * keeps each chat's own updates in order.
 *
 * Built from the runner's parts rather than with `run(bot)` for one reason: the handle `run`
 * returns resolves `stop()` once polling has ended, not once the updates in hand are finished (its
 * sink does not wait for them). A graceful stop needs the latter, so this module counts the
 * updates in hand itself, error handling included.
 *
 * What Telegram is told: the runner confirms a batch of updates with its next `getUpdates` call,
 * which it makes right after handing the batch over, before the updates are handled. See
 * `runCommand` in bot.ts for what that means after a crash.
 */
import { createConcurrentSink, createRunner, createSource, createUpdateFetcher, type RunnerHandle } from '@grammyjs/runner';
import { BotError, type Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../logger.js';

export interface UpdateRunnerOptions {
  /** Update types to ask Telegram for. */
  allowedUpdates: ReadonlyArray<Exclude<keyof Update, 'update_id'>>;
  /** Seconds a `getUpdates` call waits for news. */
  timeoutSeconds: number;
  /**
   * Most updates in hand at once; at that many the runner asks Telegram for fewer. It also bounds
   * what a crash can lose (updates taken, and so confirmed, but not yet handled).
   */
  concurrency?: number;
  log: Logger;
}

/** The runner's default: plenty for a chat bot, and a bound on memory and on a crash's loss. */
export const DEFAULT_CONCURRENCY = 500;

export function createUpdateRunner(bot: Bot<Context>, options: UpdateRunnerOptions) {
  const { log } = options;
  const inHand = new Set<Promise<void>>();
  let idleWaiters: Array<() => void> = [];

  /** Handles one update, its error boundary included; the bot's `bot.catch` handler answers failures. */
  async function handle(update: Update): Promise<void> {
    try {
      await bot.handleUpdate(update);
    } catch (error) {
      if (!(error instanceof BotError)) throw error;
      await bot.errorHandler(error);
    }
  }

  const sink = createConcurrentSink<Update, unknown>(
    {
      consume: (update) => {
        const task = handle(update);
        inHand.add(task);
        return task.finally(() => {
          inHand.delete(task);
          if (inHand.size > 0) return;
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const resolve of waiters) resolve();
        });
      },
    },
    // Only a failure of the error boundary itself (or a bug before the middleware) ends up here.
    async (error) => void log.error({ err: error }, 'telegram update failed outside the error boundary'),
    { concurrency: options.concurrency ?? DEFAULT_CONCURRENCY },
  );

  // Like grammY's own polling: retry a failed getUpdates every 3 seconds for as long as it takes
  // (the bot's API transformer logs the outage), rather than the runner's default of backing off
  // exponentially and giving up after 15 hours.
  const fetchUpdates = createUpdateFetcher(bot, {
    fetch: { timeout: options.timeoutSeconds, allowed_updates: options.allowedUpdates },
    retryInterval: 3000,
    maxRetryTime: Infinity,
    silent: true,
  });
  const runner: RunnerHandle = createRunner(createSource({ supply: fetchUpdates }), sink);

  /** Resolves once no update is in hand (at once if none is). */
  const whenIdle = (): Promise<void> => (inHand.size === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve)));

  return {
    /**
     * Starts polling (call after `bot.init()`). Returns the polling task: it settles when polling
     * ends, and rejects if Telegram refuses it for good (a wrong token, another process polling).
     */
    start(): Promise<void> {
      runner.start();
      return runner.task() ?? Promise.resolve();
    },
    /** Stops polling and resolves once every update already taken is handled. */
    async stop(): Promise<void> {
      // Once the polling task has ended no update can be added; then the ones in hand are all there
      // is. A task that failed was logged by whoever started it; `stop()` gives undefined (despite
      // its type) when polling is not running.
      await Promise.resolve(runner.stop()).catch(() => undefined);
      await whenIdle();
    },
    isRunning: () => runner.isRunning(),
    whenIdle,
    /** Updates in hand: being handled, or waiting behind an earlier update of their chat. */
    inHand: () => inHand.size,
  };
}

export type UpdateRunner = ReturnType<typeof createUpdateRunner>;
