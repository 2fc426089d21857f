/**
 * Answering within Discord's 3 seconds.
 *
 * Discord drops an interaction that has no first response within 3 s. The rule here: run the
 * command first and answer directly with the final reply, so its visibility is decided by the
 * result (a refusal to `/post` is ephemeral, the card it posts on success is public) and nothing
 * transient is ever shown. That is safe because everything between receiving an interaction and
 * its reply is local: the core is synchronous SQLite (a lock another process holds is waited for
 * at most `DEFAULT_BUSY_TIMEOUT_MS`, 2 s, then the command fails with a sentence), admin rights come with the interaction
 * (`memberPermissions`), and members named in options arrive resolved. If a command is still
 * running after {@link DEFAULT_DEFER_AFTER_MS} (a command that awaits something slow), the answer
 * is deferred: ephemerally for a slash command (then `editReply`, or for a public result
 * `deleteReply` + a public `followUp`, so the "thinking" placeholder is only ever seen by the
 * member), and with `deferUpdate` for a button (then the card is edited and the reply follows
 * ephemerally). Each kind of interaction brings its own steps to {@link answer}.
 */
import type { CommandResult } from '../../../commands/definition.js';

/** How long a command may run before its answer is deferred (Discord allows 3 s in all). */
export const DEFAULT_DEFER_AFTER_MS = 1_500;

/** The ways an interaction can be answered: at once, or deferred and then answered late. */
export interface AnswerSteps {
  direct(result: CommandResult): Promise<unknown>;
  defer(): Promise<unknown>;
  late(result: CommandResult): Promise<unknown>;
}

/**
 * Settles with `work`'s value if it comes within `ms`, or with nothing once `ms` have passed. Work
 * that has already finished always counts as in time, however late the interaction is.
 */
async function within<T>(work: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then((value) => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a command and answers: `direct` when the result comes within `deferAfterMs` of `received`,
 * otherwise `defer` first and `late` with the result (see the module comment). Returns the result
 * for logging.
 */
export async function answer(deferAfterMs: number, received: number, run: () => Promise<CommandResult>, how: AnswerSteps): Promise<CommandResult> {
  // With no time to spare, defer before the command runs: a synchronous core would otherwise
  // finish its work before the deferral could be sent.
  if (deferAfterMs <= 0) {
    await how.defer();
    const result = await run();
    await how.late(result);
    return result;
  }
  const work = run();
  const inTime = await within(work, deferAfterMs - (Date.now() - received));
  if (inTime) {
    await how.direct(inTime.value);
    return inTime.value;
  }
  await how.defer();
  const result = await work;
  await how.late(result);
  return result;
}
