/**
 * `npm start`: reads the configuration, opens the database (applying migrations), starts the
 * platforms that have a token and the background jobs. SIGINT/SIGTERM stop taking updates,
 * finish what is in flight, stop the jobs and close the database, within a deadline.
 */
import { discordPlatform } from './adapters/discord/port.js';
import { telegramPlatform } from './adapters/telegram/port.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import { createTradeCore } from './core/trade-core.js';
import { openDatabase } from './db/connection.js';
import type { CardEditor, PlatformDelivery, PlatformPort } from './platform.js';
import { startHeartbeat } from './jobs/heartbeat.js';
import { startJobs, type Jobs } from './jobs/scheduler.js';
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

/** A configured platform, and whether it takes updates yet. */
interface Platform {
  port: PlatformPort;
  started: boolean;
}

/** Set by the first signal; a start-up step still running then must not report a failure. */
let stopping = false;

async function main() {
  const config = readConfig();
  const log = createLogger(config.logLevel);
  // An error anywhere is logged with its stack; it never takes the process down silently.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

  const db = openDatabase(config.databasePath);
  const core = createTradeCore({ db });
  log.info({ database: config.databasePath }, 'database open');

  const platforms: Platform[] = [];
  const deliveries: PlatformDelivery[] = [];
  const cardEditors: CardEditor[] = [];
  let jobs: Jobs | undefined;
  let heartbeat: { stop: () => void } | undefined;

  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const starting = platforms.filter((platform) => !platform.started).map((platform) => platform.port.name);
    log.info({ signal, starting }, 'shutting down: no new updates; finishing what is in flight');
    const unfinished = new Set<string>();
    const step = async (name: string, work: () => Promise<void>) => {
      unfinished.add(name);
      await work().catch((error: unknown) => log.error({ err: error, step: name }, 'shutdown step failed'));
      unfinished.delete(name);
    };
    const orderly = async () => {
      // Updates first, so nothing new arrives while the rest winds down. A platform still
      // connecting has nothing in hand: it is told to stop, not waited for. A Discord delivery
      // cut off by the disconnect counts as a failed send and is retried after the restart.
      for (const platform of platforms) if (!platform.started) void platform.port.stop().catch(() => undefined);
      await Promise.all(platforms.filter((platform) => platform.started).map((platform) => step(platform.port.name, () => platform.port.stop())));
      // Then the jobs: no new run starts, and the runs in flight finish.
      const running = jobs;
      if (running) await step('jobs', () => running.stop());
    };
    // The deadline stays under the 10 s after which `docker stop` kills the process, so the
    // log says what was cut short. What is cut short is safe: a claimed notification is sent
    // again after its lease, an update that had not committed is repeated by the member.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), config.shutdownTimeoutMs)));
    const outcome = await Promise.race([orderly().then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    heartbeat?.stop();
    db.close();
    if (outcome === 'late') {
      log.error({ unfinished: [...unfinished], timeoutMs: config.shutdownTimeoutMs }, 'shutdown deadline passed; exiting with this work unfinished');
      process.exit(1);
    }
    log.info('stopped');
    process.exit(0);
  };
  // Before any platform connects: a connection can take for ever (an unreachable API is retried
  // without end), and as PID 1 in a container a signal without a handler is ignored.
  process.on('SIGINT', (signal) => void shutdown(signal));
  process.on('SIGTERM', (signal) => void shutdown(signal));

  // The jobs and the heartbeat come first: a platform that cannot connect yet (its API is retried
  // without end) must not hold back the expiry sweep or the other platform. The jobs read
  // `deliveries` and `cardEditors` on every run, so each platform joins them once it is up.
  jobs = config.jobs.enabled
    ? startJobs({
        core,
        log: log.child({ component: 'jobs' }),
        deliveries,
        cardEditors,
        retentionMs: config.jobs.retentionMs,
        schedules: { expiry: config.jobs.expiry, alerts: config.jobs.alerts, delivery: config.jobs.delivery, housekeeping: config.jobs.housekeeping, loops: config.jobs.loops },
      })
    : undefined;
  heartbeat = startHeartbeat({
    core,
    log,
    platformsUp: () => Object.fromEntries(platforms.map((platform) => [platform.port.name, platform.port.isRunning()])),
  });

  const ports = [
    config.telegram && telegramPlatform(config.telegram, { core, log: log.child({ platform: 'telegram' }) }),
    config.discord && discordPlatform(config.discord, { core, log: log.child({ platform: 'discord' }) }),
  ].filter((port): port is PlatformPort => Boolean(port));
  // Side by side: an unreachable platform does not hold back the others.
  const starts = ports.map((port) => {
    const platform: Platform = { port, started: false };
    platforms.push(platform);
    return port.start().then(() => {
      if (stopping) return;
      platform.started = true;
      deliveries.push(port.delivery());
      cardEditors.push(port.cardEditor);
    });
  });
  await Promise.all(starts);
}

main().catch((error: unknown) => {
  // A start cut short by a signal (a login aborted by stop) is the shutdown's business.
  if (stopping) return;
  console.error('Trading post could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
