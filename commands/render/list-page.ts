/**
 * A page of a list as a reply: one line per entry, and Previous / Next buttons that run the list's
 * command again with its filter and the page's cursor. The message records that it shows this
 * list, so a press on it edits it into the page asked for (see `pressedMessage` in press.ts).
 *
 * A page must show whole on every platform, or the entries cut off its end could never be
 * reached (Next continues after the last entry shown). So each line is clipped, and the page
 * takes only as many lines as surely fit once a platform has escaped them (see {@link weight}).
 */
import type { KeysetPage, PageCursor } from '../../src/core/paging.js';
import { buttonArgs, buttonPayload, MAX_PAYLOAD_BYTES, utf8Length, type CommandDefinition, type CommandResult, type Reply, type ReplyButton } from '../definition.js';
import type { Messages } from '../messages/index.js';
import { pageCursorText } from '../options.js';

/** The longest line a list shows; the full entry is one command away (`/offer 12`). */
export const MAX_LIST_LINE = 200;

/**
 * What a page's lines may weigh in all (see {@link weight}): within Discord's 4096 characters for
 * an embed's text, Telegram's 3000 for a reply's text (its renderer clips there) and its 4096 for
 * the whole message, title included.
 */
export const PAGE_TEXT_BUDGET = 3600;

/**
 * An upper bound of a line's length on any platform, once escaped: Discord escapes markdown
 * with at most one backslash per character (twice the length at worst), and Telegram's HTML
 * turns `&`, `<`, `>` and `"` into entities of up to six characters.
 */
const weight = (line: string) => 2 * line.length + 5 * (line.match(/[&<>"]/g)?.length ?? 0);

/** `line`, clipped to `max` characters with an ellipsis, never cutting a character in two. */
export function clipLine(line: string, max = MAX_LIST_LINE): string {
  if (line.length <= max) return line;
  let clipped = '';
  for (const char of line) {
    if (clipped.length + char.length > max - 1) break;
    clipped += char;
  }
  return `${clipped}…`;
}

export interface ListPage<T extends { id: number }> {
  /** The list's command: its page buttons run it again. */
  command: CommandDefinition;
  /** The group the command is a subcommand of (`admin` for `/admin log`), if any. */
  group?: string | undefined;
  title: string;
  /** What an empty list says. */
  empty: string;
  line(entry: T): string;
  /** The list's filter, option by option as a button writes it; the page cursor is added. */
  filter: Readonly<Record<string, string | undefined>>;
  visibility: Reply['visibility'];
}

/** The reply showing `page` of a list. */
export function listReply<T extends { id: number }>(t: Messages, page: KeysetPage<T>, list: ListPage<T>): CommandResult {
  const lines: string[] = [];
  let used = 0;
  for (const entry of page.entries) {
    const line = clipLine(list.line(entry));
    used += weight(line) + 2; // and the line break, escaped or not
    if (lines.length > 0 && used > PAGE_TEXT_BUDGET) break;
    lines.push(line);
  }
  // Fewer lines than entries: the next page starts after the last one shown.
  const lastShown = page.entries[lines.length - 1];
  const next = lines.length < page.entries.length && lastShown ? { after: lastShown.id } : page.next;

  // A subcommand's buttons name its group first (`admin log ...`), as it is typed.
  const path = list.group === undefined ? list.command.name : `${list.group} ${list.command.name}`;
  const button = (label: string, cursor: PageCursor): ReplyButton => {
    const written: ReplyButton = { label, style: 'secondary', command: path, args: buttonArgs(list.command, { ...list.filter, page: pageCursorText(cursor) }) };
    // A payload the platform would refuse is a bug here (filters are made to fit), not the member's.
    if (utf8Length(buttonPayload(written)) > MAX_PAYLOAD_BYTES) throw new Error(`page button too long: ${buttonPayload(written)}`);
    return written;
  };
  const buttons = [...(page.previous ? [button(t.list.previous, page.previous)] : []), ...(next ? [button(t.list.next, next)] : [])];

  const reply: Reply = { title: list.title, text: lines.length ? lines.join('\n') : list.empty, visibility: list.visibility, tone: 'info' };
  // A list of one page has nothing to press: only a paged one is remembered.
  if (buttons.length) Object.assign(reply, { buttons, shows: { subject: { kind: 'list', command: path }, follows: false } });
  return { reply };
}
