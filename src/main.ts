/**
 * `npm start`: reads the configuration, opens the database (applying migrations) and starts the
 * platforms that have a token. SIGINT/SIGTERM stop taking updates, finish what is in flight and
 * close the database.
 */
import { createTelegramBot, type TelegramBot } from './adapters/telegram/bot.js';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { createTradeCore } from './core/trade-core.js';
import { openDatabase } from './db/connection.js';
import { createLogger } from './logger.js';

async function main() {
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const db = openDatabase(config.databasePath);
  const core = createTradeCore({ db });
  log.info({ database: config.databasePath }, 'database open');

  const stops: Array<() => Promise<void>> = [];
  let telegram: TelegramBot | undefined;
  if (config.telegram) {
    telegram = createTelegramBot({ token: config.telegram.token, apiRoot: config.telegram.apiRoot, core, log: log.child({ platform: 'telegram' }) });
    await telegram.start();
    stops.push(() => telegram!.stop());
  }
  if (config.discord) {
    log.warn('DISCORD_TOKEN is set, but the Discord adapter is not part of this build yet; only Telegram runs.');
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await Promise.allSettled(stops.map((stop) => stop()));
    db.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
}

main().catch((error: unknown) => {
  console.error('Trading post could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
