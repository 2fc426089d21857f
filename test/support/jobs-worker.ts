/**
 * One job-running process of the two-process test (`test/jobs/two-processes.test.ts`), run as
 * its own OS process:
 *
 *   node --import tsx test/support/jobs-worker.ts <db> <ready-file> <go-file> <clock-at-start-ms>
 *        <telegram-token> <telegram-api-root> <bot-username>
 *
 * It opens the shared database the way a bot process does (`openDatabase` + `createTradeCore`),
 * builds the real Telegram delivery against the given Bot API root, writes `<ready-file>` and
 * waits for `<go-file>` and the start time written in it (so both processes start together).
 * Then it runs the real `startJobs` with every job scheduled each second. The core's clock is
 * `Date.now() + offset`, the offset chosen so that the clock reads `<clock-at-start-ms>` at the
 * start time: it runs at real speed from the moment the test picked.
 *
 * On SIGTERM it stops the jobs (waiting for runs in flight), closes the database and prints one
 * JSON line on stdout: a {@link JobsWorkerSummary}, built from its own job logs. Exits 0 then,
 * 2 on bad arguments or a barrier timeout.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { createTelegramDelivery } from '../../src/adapters/telegram/delivery.js';
import { createTradeCore } from '../../src/core/trade-core.js';
import { openDatabase } from '../../src/db/connection.js';
import { startJobs } from '../../src/jobs/scheduler.js';

export interface JobsWorkerSummary {
  pid: number;
  /** Offers this process expired, in order, with the wall-clock ms of the log line. */
  expired: Array<{ offerId: number; at: number }>;
  /** Outbox rows this process delivered, in order. */
  delivered: Array<{ notificationId: number; at: number }>;
  /** Every log line at warn level or above (failed jobs, retries, SQLITE_BUSY...): never expected. */
  problems: string[];
  /** Wall-clock ms when the jobs started and when they had stopped. */
  startedAt: number;
  stoppedAt: number;
}

const BARRIER_TIMEOUT_MS = 20_000;
/** The fake has no flood limits: keep the throttler in the pipeline, with room. */
const LOOSE_THROTTLE = {
  global: { reservoir: 10_000, reservoirRefreshAmount: 10_000, reservoirRefreshInterval: 1000 },
  group: { maxConcurrent: 10 },
  out: { maxConcurrent: 10 },
};

function die(message: string): never {
  process.stderr.write(`jobs-worker: ${message}\n`);
  process.exit(2);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function main() {
  const [dbPath, readyPath, goPath, clockArg, token, apiRoot, botUsername] = process.argv.slice(2);
  if (!dbPath || !readyPath || !goPath || !clockArg || !token || !apiRoot || !botUsername) {
    die(`usage: jobs-worker <db> <ready-file> <go-file> <clock-at-start-ms> <token> <api-root> <bot-username>; got ${JSON.stringify(process.argv.slice(2))}`);
  }
  const clockAtStart = Number(clockArg);
  if (!Number.isInteger(clockAtStart)) die(`<clock-at-start-ms> is not an integer: ${clockArg}`);

  const summary: JobsWorkerSummary = { pid: process.pid, expired: [], delivered: [], problems: [], startedAt: 0, stoppedAt: 0 };
  // The jobs' own log lines say what this process did; nothing is counted beside them.
  const log = pino(
    { level: 'info' },
    {
      write(line: string) {
        const entry = JSON.parse(line) as { level: number; time: number; msg?: string; offer?: number; notification?: number };
        if (entry.msg === 'offer expired' && entry.offer !== undefined) summary.expired.push({ offerId: entry.offer, at: entry.time });
        else if (entry.msg === 'notification delivered' && entry.notification !== undefined) summary.delivered.push({ notificationId: entry.notification, at: entry.time });
        if (entry.level >= 40) summary.problems.push(line.trim());
      },
    },
  );

  const db = openDatabase(dbPath);
  let offset = 0;
  const core = createTradeCore({ db, clock: () => Date.now() + offset });
  const telegram = createTelegramDelivery({ token, apiRoot, botUsername, throttle: LOOSE_THROTTLE });

  // Barrier: say we are ready, wait for the go file, then for the start time written in it.
  writeFileSync(readyPath, String(process.pid));
  const deadline = Date.now() + BARRIER_TIMEOUT_MS;
  while (!existsSync(goPath)) {
    if (Date.now() > deadline) die(`no go file ${goPath} after ${BARRIER_TIMEOUT_MS} ms`);
    await sleep(2);
  }
  const startAt = Number(readFileSync(goPath, 'utf8'));
  if (!Number.isFinite(startAt)) die(`go file ${goPath} does not hold a start time`);
  offset = clockAtStart - startAt;
  if (startAt - Date.now() > 3) await sleep(startAt - Date.now() - 3);
  while (Date.now() < startAt) {
    // spin the last few milliseconds so both processes leave the barrier together
  }

  summary.startedAt = Date.now();
  const jobs = startJobs({
    core,
    log,
    deliveries: [telegram],
    retentionMs: 30 * 86_400_000,
    schedules: { expiry: '* * * * * *', delivery: '* * * * * *' },
  });

  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    void jobs
      .stop()
      .then(() => {
        db.close();
        summary.stoppedAt = Date.now();
        process.stdout.write(`${JSON.stringify(summary)}\n`, () => process.exit(0));
      })
      .catch((error: unknown) => {
        process.stderr.write(`jobs-worker: stop failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
      });
  });
}

void main().catch((error: unknown) => {
  process.stderr.write(`jobs-worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
