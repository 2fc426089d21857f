/**
 * `npm start`: reads the configuration, opens the database (applying migrations), starts the
 * platforms that have a token and the background jobs. SIGINT/SIGTERM stop taking updates,
 * finish what is in flight, stop the jobs and close the database.
 */
import { createDiscordBot } from './adapters/discord/bot.js';
import { createDiscordDelivery } from './adapters/discord/delivery.js';
import { createTelegramBot } from './adapters/telegram/bot.js';
import { createTelegramDelivery } from './adapters/telegram/delivery.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import { createTradeCore } from './core/trade-core.js';
import { openDatabase } from './db/connection.js';
import type { PlatformDelivery } from './jobs/delivery.js';
import { startHeartbeat } from './jobs/heartbeat.js';
import { startJobs } from './jobs/scheduler.js';
import { createLogger } from './logger.js';

function readConfig(): Config {
  loadDotEnv();
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main() {
  const config = readConfig();
  const log = createLogger(config.logLevel);
  // An error anywhere is logged with its stack; it never takes the process down silently.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

  const db = openDatabase(config.databasePath);
  const core = createTradeCore({ db });
  log.info({ database: config.databasePath }, 'database open');

  const deliveries: PlatformDelivery[] = [];
  const platformsUp: Record<string, () => boolean> = {};
  const stopPlatforms: Array<() => Promise<void>> = [];

  if (config.telegram) {
    const telegram = createTelegramBot({ token: config.telegram.token, apiRoot: config.telegram.apiRoot, core, log: log.child({ platform: 'telegram' }) });
    await telegram.start();
    stopPlatforms.push(() => telegram.stop());
    platformsUp['telegram'] = telegram.isRunning;
    deliveries.push(createTelegramDelivery({ token: config.telegram.token, apiRoot: config.telegram.apiRoot, botUsername: telegram.bot.botInfo.username }));
  }
  if (config.discord) {
    const discord = createDiscordBot({ ...config.discord, core, log: log.child({ platform: 'discord' }) });
    await discord.start();
    stopPlatforms.push(() => discord.stop());
    platformsUp['discord'] = discord.isRunning;
    deliveries.push(createDiscordDelivery(discord));
  }

  const jobs = config.jobs.enabled
    ? startJobs({
        db,
        core,
        log: log.child({ component: 'jobs' }),
        deliveries,
        retentionMs: config.jobs.retentionMs,
        schedules: { expiry: config.jobs.expiry, delivery: config.jobs.delivery, housekeeping: config.jobs.housekeeping },
      })
    : undefined;
  const heartbeat = startHeartbeat({
    core,
    log,
    platformsUp: () => Object.fromEntries(Object.entries(platformsUp).map(([name, up]) => [name, up()])),
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing the jobs and updates in flight');
    // Jobs first: a delivery pass in flight still has its platform clients to finish with.
    await jobs?.stop();
    await Promise.allSettled(stopPlatforms.map((stop) => stop()));
    heartbeat.stop();
    db.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('Trading post could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
