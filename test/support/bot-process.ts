/**
 * Child processes for tests that need real OS processes: the real bot (`src/main.ts`) and small
 * workers, each run as `node --import tsx <script>` from the repository root, with their output
 * captured so a failing test can show it.
 *
 * Every child started here is remembered until it exits; `killStartedProcesses()` (call it in
 * `afterAll`) SIGKILLs the ones still running, by their own process handle, so a failed test
 * never leaves a bot polling in the background.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN_SCRIPT = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface ProcessRun {
  label: string;
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Killed by the helper because it outlived `timeoutMs`. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface StartedProcess {
  label: string;
  child: ChildProcess;
  readonly pid: number | undefined;
  /** Resolves when the process has exited (never rejects; a spawn error becomes stderr text). */
  done: Promise<ProcessRun>;
  /** The run, once the process has exited. */
  readonly exited: ProcessRun | undefined;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` if the process is still running. */
  kill(signal?: NodeJS.Signals): void;
  /** The label, exit status and output so far, for assertion messages. */
  describe(): string;
}

const running = new Set<StartedProcess>();

export interface StartOptions {
  /** Extra environment (merged over the test process's own). */
  env?: Record<string, string>;
  /** SIGKILLed after this long (default 60 s). */
  timeoutMs?: number;
  label?: string;
}

/** Starts `node --import tsx <script> ...args` in the repository root. */
export function startTsx(script: string, args: readonly string[] = [], options: StartOptions = {}): StartedProcess {
  const label = options.label ?? script;
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  let exited: ProcessRun | undefined;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const started: StartedProcess = {
    label,
    child,
    get pid() {
      return child.pid;
    },
    get exited() {
      return exited;
    },
    done: new Promise<ProcessRun>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, options.timeoutMs ?? 60_000);
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (exited) return;
        clearTimeout(timer);
        running.delete(started);
        exited = { label, pid: child.pid, code, signal, timedOut, stdout, stderr };
        resolve(exited);
      };
      child.on('error', (error) => {
        stderr += `\n[spawn error] ${error.message}`;
        finish(null, null);
      });
      child.on('close', finish);
    }),
    stdout: () => stdout,
    stderr: () => stderr,
    kill(signal = 'SIGTERM') {
      if (!exited && child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    describe() {
      const status = exited
        ? `exit ${exited.code}${exited.signal ? ` signal ${exited.signal}` : ''}${exited.timedOut ? ' (timed out)' : ''}`
        : 'still running';
      return `${label} (pid ${child.pid ?? '?'}): ${status}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`;
    },
  };
  running.add(started);
  return started;
}

export interface BotProcessOptions {
  token: string;
  apiRoot: string;
  databasePath: string;
  /** Overrides and additions, e.g. `DELIVERY_SCHEDULE`. */
  env?: Record<string, string>;
  timeoutMs?: number;
  label?: string;
}

/**
 * Starts the real bot (`node --import tsx src/main.ts`) with Telegram pointed at `apiRoot`. A
 * `.env` in the repository root cannot add a platform: both Discord variables are set empty
 * (empty means "not set", and `.env` never overrides what the environment already has).
 */
export function startBot(options: BotProcessOptions): StartedProcess {
  return startTsx(MAIN_SCRIPT, [], {
    label: options.label ?? 'bot',
    timeoutMs: options.timeoutMs ?? 60_000,
    env: {
      TELEGRAM_BOT_TOKEN: options.token,
      TELEGRAM_API_ROOT: options.apiRoot,
      DATABASE_PATH: options.databasePath,
      DISCORD_TOKEN: '',
      DISCORD_APPLICATION_ID: '',
      DISCORD_API_URL: '',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
}

/** SIGKILLs every child started by this module that is still running. */
export function killStartedProcesses(): void {
  for (const started of [...running]) started.kill('SIGKILL');
}

/**
 * Polls `check` every `intervalMs` until it returns true; throws after `timeoutMs` with
 * `describe()` in the message. Fails at once when `watch` (a process that must stay up) exits.
 */
export async function waitUntil(
  what: string,
  check: () => boolean,
  options: { timeoutMs: number; intervalMs?: number; watch?: readonly StartedProcess[]; describe?: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (check()) return;
    const died = options.watch?.find((p) => p.exited);
    if (died) throw new Error(`${died.label} exited while waiting for ${what}\n${died.describe()}`);
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${options.describe ? `\n${options.describe()}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}
