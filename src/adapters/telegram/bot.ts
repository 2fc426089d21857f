/**
 * The Telegram bot: grammY long polling (concurrent, with grammY's runner) in front of the
 * command catalog. This file wires the parts, one grammY `Composer` per concern, as grammY's bot
 * template does:
 * - pipeline.ts: each chat's turn, the exactly-once claim, updates with no command;
 * - typed-commands.ts: commands typed in a message; presses.ts: button presses;
 * - scope.ts: which market and member an update acts on; answers.ts: where answers go;
 * - cards.ts: cards that follow their record; errors.ts: the error boundary;
 * - api.ts: how API calls go out; runner.ts: polling, the inbox and a graceful stop.
 * Everything a command says comes from `commands/`; the adapter only translates.
 */
import type { AutoRetryOptions } from '@grammyjs/auto-retry';
import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { commands } from '../../../commands/index.js';
import type { TradeCore } from '../../core/trade-core.js';
import type { Logger } from '../../logger.js';
import { createAnswers } from './answers.js';
import { configureApi } from './api.js';
import { createCards } from './cards.js';
import { errorBoundary } from './errors.js';
import { publishCommandMenu } from './menu.js';
import { joins } from './joins.js';
import { pipeline } from './pipeline.js';
import { presses } from './presses.js';
import { createCommandRunner } from './run-command.js';
import { createUpdateRunner } from './runner.js';
import { createScope, TELEGRAM_CAPABILITIES } from './scope.js';
import type { TelegramServices } from './services.js';
import { typedCommands } from './typed-commands.js';

export { TELEGRAM_CAPABILITIES } from './scope.js';
export { UNREACHABLE_NOTICE_EVERY_MS } from './answers.js';

export interface TelegramBotOptions {
  token: string;
  /** Bot API root without a trailing slash; Telegram's own when absent. */
  apiRoot?: string | undefined;
  core: TradeCore;
  log: Logger;
  /** Skips `getMe` at start (tests). */
  botInfo?: UserFromGetMe;
  retry?: Partial<AutoRetryOptions>;
  /** Seconds a `getUpdates` call waits for news (30 in production). */
  pollingTimeoutSeconds?: number;
  /** Most updates handled at once (the runner's 500 by default). */
  concurrency?: number;
}

export function createTelegramBot(options: TelegramBotOptions) {
  const { core, log } = options;
  const apiRoot = options.apiRoot ?? 'https://api.telegram.org';
  const bot = new Bot(options.token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    client: options.apiRoot ? { apiRoot: options.apiRoot } : {},
  });
  const watch = configureApi(bot.api, { log, apiRoot: options.apiRoot, retry: options.retry });

  const services: TelegramServices = { core, log, api: bot.api, me: () => bot.botInfo };
  const scope = createScope(services);
  const answers = createAnswers(services);
  const cards = createCards(services);
  const runner = createCommandRunner(services, scope, answers, cards);
  bot.use(pipeline(services));
  bot.use(joins(services));
  bot.use(typedCommands(services, runner));
  bot.use(presses(services, { scope, runner, answers, cards }));
  bot.catch(errorBoundary(services));

  const pollingTimeoutSeconds = options.pollingTimeoutSeconds ?? 30;
  const updates = createUpdateRunner(bot, {
    allowedUpdates: ['message', 'callback_query'],
    timeoutSeconds: pollingTimeoutSeconds,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    core,
    log,
  });
  // Aborts a start still waiting for Telegram (getMe is retried until it answers).
  const starting = new AbortController();

  /** Each start-up step, unless `stop()` came meanwhile; false once it has. */
  const stillStarting = () => !starting.signal.aborted;
  async function initialise(): Promise<boolean> {
    // grammY retries network errors here until Telegram answers; say what we are waiting for.
    log.info({ apiRoot }, 'connecting to Telegram');
    try {
      await bot.init(starting.signal as Parameters<typeof bot.init>[0]);
    } catch (error) {
      if (!stillStarting()) return false; // stopped while waiting: nothing to start
      throw error;
    }
    if (!stillStarting()) return false;
    await publishCommandMenu(bot.api, commands, TELEGRAM_CAPABILITIES);
    if (!stillStarting()) return false;
    // Long polling gets nothing while a webhook is set (grammY's own start does the same).
    await bot.api.deleteWebhook();
    return stillStarting();
  }

  return {
    bot,
    /**
     * Initialises, publishes the command menu and starts long polling; resolves once polling runs,
     * or at once if `stop()` is called meanwhile.
     */
    async start(): Promise<void> {
      if (!(await initialise())) return;
      // getMe and deleteWebhook just answered: the connection is up before the first poll returns.
      watch.markPolled();
      // Runs what the last run left unfinished first, then polls.
      updates.start().catch((error: unknown) => log.error({ err: error }, 'telegram polling stopped'));
      log.info({ bot: bot.botInfo.username }, 'telegram bot polling');
    },
    /** Stops taking updates; resolves when every update already taken is handled. */
    async stop(): Promise<void> {
      starting.abort();
      await updates.stop();
    },
    /** Resolves once no update is being handled (tests wait on it; a member would not). */
    whenIdle: () => updates.whenIdle(),
    /** Card edits, for the card job. */
    cardEditor: cards.cardEditor,
    /**
     * Whether long polling is running and Telegram answered it lately, for the heartbeat: a
     * getUpdates returns within its timeout, so a longer silence means the connection is down.
     */
    isRunning: () => updates.isRunning() && Date.now() - watch.lastPolledAt() < (2 * pollingTimeoutSeconds + 15) * 1000,
  };
}

export type TelegramBot = ReturnType<typeof createTelegramBot>;
