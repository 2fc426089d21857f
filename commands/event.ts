/**
 * `/event [ACTION] [DETAILS] [hours N]`: math-trade events (src/core/events). One command with an
 * action word rather than a group of subcommands, so `/event` alone shows the event on both
 * platforms and the list's page buttons (which run whole commands) can page it.
 *
 * Who sees what: the list and the event are public to the market (an event is a public market);
 * a member's entries, wants and the export answer only the member (`private`).
 */
import type { EntryView, WantTarget } from '../src/core/events/event-reads.js';
import { MAX_EVENT_HOURS } from '../src/core/events/event-entries.js';
import { defineCommand, type CommandContext, type CommandDefinition, type CommandResult } from './definition.js';
import { itemName } from './messages/index.js';
import { choiceOption, integerOption, pageOption, textOption } from './options.js';
import { parseItems } from './parse/items.js';
import { listReply } from './render/list-page.js';
import { coreRefusal, privateReply, publicReply, refusal } from './render/replies.js';

const ACTIONS = ['show', 'open', 'close', 'add', 'wants', 'withdraw', 'list', 'export'] as const;
const ENTRY = /^#?([1-9][0-9]{0,9})$/;

const wantsText = (wants: readonly WantTarget[][]) =>
  wants.map((group) => group.map((want) => ('entryId' in want ? `#${want.entryId}` : itemName(want.item))).join(', ')).join('; ');

/**
 * How much of a member's entries `/event` shows: both platforms cut a longer message off (Telegram
 * at 3,000 characters here), so long wants are shortened and the rest is counted and pointed to
 * `/event export`, which has every entry with every want.
 */
const SHOWN_ENTRIES = 12;
const SHOWN_WANTS_CHARS = 160;

/** `#3, #5, pear` cut at a word to `limit` characters, with how many wants were left out. */
function shortWants(wants: readonly WantTarget[][], limit: number): { text: string; left: number } {
  const all = wantsText(wants);
  if (all.length <= limit) return { text: all, left: 0 };
  const cut = all.slice(0, limit).replace(/[,;]?\s*[^,;]*$/, '');
  const total = wants.flat().length;
  const shown = cut.split(/[,;]/).filter((part) => part.trim()).length;
  return { text: cut, left: total - shown };
}

/** `/event`: the event, and the member's own entries with their wants. */
function show(ctx: CommandContext): CommandResult {
  const t = ctx.t.events;
  const overview = ctx.core.eventOverview(ctx.market.id, ctx.member.id);
  if (!overview.ok) return coreRefusal(ctx, overview.error);
  const { event, entries, openEntries } = overview.value;
  const lines = [t.overview(event.name, t.status[event.status] ?? event.status, event.closesAt, openEntries)];
  if (event.status === 'closed') lines.push(t.result(event.name, event.itemsTraded ?? 0, event.membersTrading ?? 0, event.loops ?? 0));
  const entryLine = (entry: EntryView) => {
    const { text, left } = shortWants(entry.wants, SHOWN_WANTS_CHARS);
    return t.entryLine(entry.id, entry.items, entry.status, left > 0 ? t.moreWants(text, left) : text);
  };
  lines.push('', ...(entries.length === 0 ? [t.noEntries] : entries.slice(0, SHOWN_ENTRIES).map(entryLine)));
  if (entries.length > SHOWN_ENTRIES) lines.push(t.moreEntries(entries.length - SHOWN_ENTRIES));
  return { reply: privateReply(lines.join('\n'), { title: t.title(event.name) }) };
}

async function open(ctx: CommandContext, details: string | undefined, hours: number | undefined): Promise<CommandResult> {
  const t = ctx.t.events;
  if (!(await ctx.isAdmin())) return refusal(t.adminOnly);
  if (!details) return refusal(t.actionMissing('open'));
  // The summary is posted where the event was opened: a private chat would keep it from the market.
  if (ctx.inPrivate) return refusal(t.openInMarket);
  const opened = ctx.core.openEvent({ marketId: ctx.market.id, adminId: ctx.member.id, name: details, hours, chatId: ctx.chatId ?? null });
  return opened.ok ? { reply: publicReply(t.opened(opened.value.name, opened.value.closesAt)) } : coreRefusal(ctx, opened.error);
}

async function close(ctx: CommandContext): Promise<CommandResult> {
  const t = ctx.t.events;
  if (!(await ctx.isAdmin())) return refusal(t.adminOnly);
  const closed = await ctx.core.closeEvent(ctx.market.id, ctx.member.id);
  if (!closed.ok) return coreRefusal(ctx, closed.error);
  const { event, itemsTraded, membersTrading, loops } = closed.value;
  return { reply: publicReply(t.closed(event.name, itemsTraded, membersTrading, loops)) };
}

function add(ctx: CommandContext, details: string | undefined): CommandResult {
  if (!details) return refusal(ctx.t.events.actionMissing('add'));
  const parsed = parseItems(details);
  if (!parsed.ok) return refusal(ctx.t.argument('details', { problem: 'items', error: parsed.error }));
  const added = ctx.core.addEntry({ marketId: ctx.market.id, memberId: ctx.member.id, items: parsed.value });
  return added.ok ? { reply: privateReply(ctx.t.events.added(added.value.id, added.value.items), { tone: 'success' }) } : coreRefusal(ctx, added.error);
}

function wants(ctx: CommandContext, details: string | undefined): CommandResult {
  const t = ctx.t.events;
  const [first = '', ...rest] = (details ?? '').trim().split(/\s+/);
  if (!first) return refusal(t.actionMissing('rank'));
  const entry = ENTRY.exec(first);
  if (!entry) return refusal(t.badEntryNumber(first));
  // Groups split at `;`; inside one, commas separate wants, and a run of numbers is several entries.
  const groups = rest
    .join(' ')
    .split(';')
    .map((group) => group.split(',').flatMap((part) => (/^(\s*#?\d+\s*)+$/.test(part) ? part.trim().split(/\s+/) : [part.trim()])).filter(Boolean));
  const set = ctx.core.setWants({ marketId: ctx.market.id, memberId: ctx.member.id, entryId: Number(entry[1]), wants: groups });
  return set.ok ? { reply: privateReply(t.wantsSet(set.value.id, wantsText(set.value.wants)), { tone: 'success' }) } : coreRefusal(ctx, set.error);
}

function withdraw(ctx: CommandContext, details: string | undefined): CommandResult {
  const entry = ENTRY.exec((details ?? '').trim());
  if (!entry) return refusal(ctx.t.events.badEntryNumber(details ?? ''));
  const done = ctx.core.withdrawEntry({ marketId: ctx.market.id, memberId: ctx.member.id, entryId: Number(entry[1]) });
  return done.ok ? { reply: privateReply(ctx.t.events.withdrawn(done.value.id, done.value.items), { tone: 'success' }) } : coreRefusal(ctx, done.error);
}

function exportList(ctx: CommandContext): CommandResult {
  const exported = ctx.core.exportEventWantList(ctx.market.id);
  if (!exported.ok) return coreRefusal(ctx, exported.error);
  const { event, text, entries } = exported.value;
  const name = `${event.name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'event'}-want-list.txt`;
  return { reply: privateReply(ctx.t.events.exported(event.name, entries), { attachments: [{ name, text }] }) };
}

const actionOption = choiceOption('action', { required: false, choices: ACTIONS });
// Only the list's page buttons run this command from a button: no other action is ever a button.
actionOption.spec.buttonChoices = ['list'];

const event: CommandDefinition = defineCommand({
  name: 'event',
  audience: 'everyone',
  pressable: true,
  options: {
    action: actionOption,
    details: textOption('details', { required: false, form: 'rest', maxLength: 1500, placeholder: 'DETAILS' }),
    hours: integerOption('hours', { required: false, min: 1, max: MAX_EVENT_HOURS }),
    page: pageOption(),
  },
  run(ctx, args): CommandResult | Promise<CommandResult> {
    const action = args.action ?? 'show';
    // Words an action does not take are refused, not ignored: the member meant something by them.
    if (args.hours !== undefined && action !== 'open') return refusal(ctx.t.events.hoursOnlyOpen);
    if (args.details !== undefined && ['show', 'close', 'list', 'export'].includes(action)) return refusal(ctx.t.events.takesNoDetails(action, args.details));
    switch (action) {
      case 'show':
        return show(ctx);
      case 'open':
        return open(ctx, args.details, args.hours);
      case 'close':
        return close(ctx);
      case 'add':
        return add(ctx, args.details);
      case 'wants':
        return wants(ctx, args.details);
      case 'withdraw':
        return withdraw(ctx, args.details);
      case 'export':
        return exportList(ctx);
      case 'list': {
        const listed = ctx.core.listEventEntries(ctx.market.id, { cursor: args.page });
        if (!listed.ok) return coreRefusal(ctx, listed.error);
        const t = ctx.t.events;
        return listReply(ctx.t, listed.value.page, {
          command: event,
          title: t.listTitle(listed.value.event.name),
          empty: t.listEmpty,
          line: (entry) => t.listLine(entry.id, entry.owner.displayName, entry.items, entry.status),
          filter: { action: 'list' },
          visibility: 'public',
        });
      }
    }
  },
});

export default event;
