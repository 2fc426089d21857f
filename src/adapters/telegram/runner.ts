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
 * which it makes right after handing the batch over, long before an update queued behind a busy
 * chat is handled. So each batch is written to the inbox (the core's, on disk) before it is
 * handed over: a crash then loses nothing Telegram was told about. At start, the updates the last
 * run took and never started are handed over first, in Telegram's order, before polling begins;
 * `sequentialize` keeps each chat's new updates behind them. See `runCommand` in bot.ts for what
 * a crash can still cost.
 */
import { createConcurrentSink, createRunner, createSource, createUpdateFetcher, type RunnerHandle } from '@grammyjs/runner';
import { BotError, type Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { TradeCore } from '../../core/trade-core.js';
import type { Logger } from '../../logger.js';

export interface UpdateRunnerOptions {
  /** Update types to ask Telegram for. */
  allowedUpdates: ReadonlyArray<Exclude<keyof Update, 'update_id'>>;
  /** Seconds a `getUpdates` call waits for news. */
  timeoutSeconds: number;
  /** Most updates in hand at once; at that many the runner asks Telegram for fewer. */
  concurrency?: number;
  /** The inbox the updates are written to before Telegram is told they arrived. */
  core: Pick<TradeCore, 'receiveUpdates' | 'unstartedUpdates'>;
  log: Logger;
}

/** The runner's default: plenty for a chat bot, and a bound on memory. */
export const DEFAULT_CONCURRENCY = 500;

/** How long polling waits before trying again to write a batch the inbox refused (a full disk, say). */
export const INBOX_RETRY_MS = 3000;

/** The signal the runner aborts when polling stops (its own AbortSignal type). */
type StopSignal = Parameters<ReturnType<typeof createUpdateFetcher>>[1];

/** Waits `ms`; rejects as soon as polling is stopped. */
function pause(ms: number, signal: StopSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('polling stopped'));
    const stop = () => {
      clearTimeout(timer);
      reject(new Error('polling stopped'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal.addEventListener('abort', stop);
  });
}

export function createUpdateRunner(bot: Bot<Context>, options: UpdateRunnerOptions) {
  const { core, log } = options;
  const inHand = new Set<Promise<void>>();
  let idleWaiters: Array<() => void> = [];
  let stopped = false;

  /** Handles one update, its error boundary included; the bot's `bot.catch` handler answers failures. */
  async function handle(update: Update): Promise<void> {
    try {
      await bot.handleUpdate(update);
    } catch (error) {
      if (!(error instanceof BotError)) throw error;
      await bot.errorHandler(error);
    }
  }

  /**
   * Writes a fetched batch to the inbox and gives back the updates to hand over (a batch Telegram
   * hands out again after a crash is in the inbox already, and run from there). Called before the
   * next getUpdates, which tells Telegram the batch arrived: until the write succeeds, polling
   * waits (Telegram keeps the batch), rather than take updates a crash could lose.
   */
  async function keep(updates: Update[], signal: StopSignal): Promise<Update[]> {
    const rows = updates.map((update) => ({ key: String(update.update_id), seq: update.update_id, payload: JSON.stringify(update), update }));
    for (let attempt = 0; ; attempt += 1) {
      try {
        return core.receiveUpdates('telegram', rows).map((row) => row.update);
      } catch (error) {
        if (attempt % 20 === 0) log.error({ err: error, updates: updates.length }, 'cannot write updates to the inbox; taking no more until it works');
        // A stop meanwhile ends polling; the batch was never confirmed, so Telegram hands it out again.
        await pause(INBOX_RETRY_MS, signal);
      }
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
  const supply = async (batchSize: number, signal: StopSignal) => keep(await fetchUpdates(batchSize, signal), signal);
  const runner: RunnerHandle = createRunner(createSource({ supply }), sink);

  /**
   * Hands over what the last run took and never started (it died, or its stop ran past the
   * deadline), in Telegram's order and before any new update, so each chat keeps its order. The
   * bot claims each when its turn comes, as it does every update (bot.ts).
   */
  async function replay(): Promise<void> {
    const unstarted = core.unstartedUpdates('telegram');
    if (unstarted.length === 0) return;
    log.info({ updates: unstarted.length, oldest: unstarted[0]?.receivedAt }, 'running the updates the last run took and never started');
    // The sink starts every update at once; it resolves when it has room for more.
    await sink.handle(unstarted.map((row) => JSON.parse(row.payload) as Update));
  }

  /** Resolves once no update is in hand (at once if none is). */
  const whenIdle = (): Promise<void> => (inHand.size === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve)));

  return {
    /**
     * Runs what the last run left unfinished, then starts polling (call after `bot.init()`).
     * Returns the polling task: it settles when polling ends, and rejects if Telegram refuses it
     * for good (a wrong token, another process polling).
     */
    async start(): Promise<void> {
      await replay();
      if (stopped) return;
      runner.start();
      await runner.task();
    },
    /** Stops polling and resolves once every update already taken is handled. */
    async stop(): Promise<void> {
      stopped = true;
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
