/**
 * One line per chat for the bot's message edits: edits of messages in a chat go out one at a time,
 * in the order they were asked for.
 *
 * Card edits (an offer's cards brought up to date after a command, and the card job's) no longer
 * run inside the chat's turn (see `followChange` in bot.ts), so several could be on their way to
 * one chat at once: in a group at its flood limit that is a storm of 429s, and two edits of one
 * card could overtake each other and leave it showing the older state. In the line, a 429 is
 * waited out (auto-retry, inside the line) before the next edit goes. Answers are not in the line:
 * they go out in the chat's turn, one at a time already, and must not wait behind card edits.
 *
 * Installed as the outermost API transformer, so it is entered synchronously when a call is made
 * (grammY runs the transformers before its first await): the order of the line is the order of
 * the calls.
 */
import type { Transformer } from 'grammy';

const EDITS = new Set(['editMessageText', 'editMessageReplyMarkup']);

export function createEditLines(): Transformer {
  /** Per chat, a promise that settles when the last edit queued for it has settled. */
  const tails = new Map<string, Promise<unknown>>();
  return (prev, method, payload, signal) => {
    const chat = EDITS.has(method) ? (payload as { chat_id?: unknown }).chat_id : undefined;
    if (chat === undefined) return prev(method, payload, signal);
    const key = String(chat);
    const call = (tails.get(key) ?? Promise.resolve()).then(() => prev(method, payload, signal));
    // A failed edit does not hold up the line; its caller gets the failure.
    const tail = call.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return call;
  };
}
