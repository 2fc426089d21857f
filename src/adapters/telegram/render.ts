/** Replies as Telegram messages: HTML parse mode (all user text escaped) and inline keyboards. */
import type { InlineKeyboardMarkup } from 'grammy/types';
import { buttonPayload, type Reply } from '../../../commands/definition.js';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** Escapes text for Telegram's HTML parse mode. */
export const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => escapes[c] ?? c);


export function renderHtml(reply: Reply): string {
  const parts: string[] = [];
  if (reply.title) parts.push(`<b>${escapeHtml(reply.title)}</b>`);
  if (reply.text) parts.push(escapeHtml(reply.text));
  if (reply.fields?.length) parts.push(reply.fields.map((f) => `<b>${escapeHtml(f.name)}:</b> ${escapeHtml(f.value)}`).join('\n'));
  return parts.join('\n');
}

export function renderKeyboard(reply: Reply): InlineKeyboardMarkup | undefined {
  if (!reply.buttons?.length) return undefined;
  return { inline_keyboard: [reply.buttons.map((button) => ({ text: button.label, callback_data: buttonPayload(button) }))] };
}

/** The message options for a reply: HTML, its keyboard, no link previews. */
export function messageOptions(reply: Reply) {
  const keyboard = renderKeyboard(reply);
  return {
    parse_mode: 'HTML' as const,
    link_preview_options: { is_disabled: true },
    ...(keyboard ? { reply_markup: keyboard } : {}),
  };
}

/** A reply as plain text, for places without markup (callback alerts, at most 200 characters). */
export function plainText(reply: Reply, max = 200): string {
  const text = [reply.title, reply.text, ...(reply.fields ?? []).map((f) => `${f.name}: ${f.value}`)].filter(Boolean).join('\n');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
