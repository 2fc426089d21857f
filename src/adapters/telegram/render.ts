/** Replies as Telegram messages: HTML parse mode (all user text escaped) and inline keyboards. */
import type { InlineKeyboardMarkup } from 'grammy/types';
import { buttonPayload, type Reply } from '../../../commands/definition.js';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** Escapes text for Telegram's HTML parse mode. */
export const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => escapes[c] ?? c);


/** Telegram refuses a message longer than this (after entities are parsed; we count the HTML). */
export const TELEGRAM_TEXT_LIMIT = 4096;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * A reply as Telegram HTML, never longer than Telegram accepts. Text is clipped before it is
 * escaped and the message is cut between lines, so no tag or entity is ever cut in half.
 */
export function renderHtml(reply: Reply): string {
  const lines: string[] = [];
  if (reply.market) lines.push(`<i>${escapeHtml(clip(reply.market, 128))}</i>`);
  if (reply.title) lines.push(`<b>${escapeHtml(clip(reply.title, 256))}</b>`);
  if (reply.text) lines.push(...clip(reply.text, 3000).split('\n').map(escapeHtml));
  for (const field of reply.fields ?? []) {
    const [first = '', ...rest] = clip(field.value, 1500).split('\n');
    lines.push(`<b>${escapeHtml(field.name)}:</b> ${escapeHtml(first)}`, ...rest.map(escapeHtml));
  }
  let html = '';
  for (const line of lines) {
    const next = html ? `${html}\n${line}` : line;
    if (next.length > TELEGRAM_TEXT_LIMIT - 2) return `${html}\n…`;
    html = next;
  }
  return html;
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
