/**
 * What the adapter says in its own name rather than a command's: the member's language (with the
 * admin refusal naming Discord's permission) and a sentence of its own, only for the member, for
 * an interaction no command can answer and for the apology after a failure.
 */
import type { Reply } from '../../../commands/definition.js';
import { messagesFor, type Messages } from '../../../commands/messages/index.js';

/** A sentence of the adapter's own, only for the member. */
export const note = (text: string, tone: Reply['tone'] = 'error'): Reply => ({ text, visibility: 'personal', tone });

/** The member's language, with the admin refusal naming Discord's permission rather than Telegram's "group". */
export function messagesOf(locale: string): Messages {
  const t = messagesFor(locale);
  return { ...t, adminOnly: t.discord.adminOnly };
}
