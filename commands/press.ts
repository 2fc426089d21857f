/**
 * A button press, checked before anything runs. The payload comes back from the member's client
 * (Telegram callback data, a Discord custom id), and a modified client can send anything: so the
 * payload is parsed strictly, it never picks the market (that comes from where the message lives,
 * or, in a private chat, from what the bot recorded when it sent the message), and it may act only
 * on the record the pressed message was sent to show. Both adapters go through here.
 */
import type { CardLocation, CardRecord } from '../src/core/cards.js';
import { slugify } from '../src/core/catalog.js';
import type { TradeCore } from '../src/core/trade-core.js';
import type { Market } from '../src/core/types.js';
import { buttonArgs, isGroup, MAX_PAYLOAD_BYTES, refused, utf8Length, type AnyCommand, type CommandDefinition, type CommandResult, type OptionSpec, type Refused, type Reply } from './definition.js';
import { findCommand } from './index.js';
import type { Messages } from './messages/index.js';
import { PAGE_CURSOR } from './options.js';
import { recordCard } from './render/records.js';
import { readTextArguments } from './text-arguments.js';

/** A payload as the bot writes it: `accept 12`, `market 7 page after-120`, `admin log page after-9`. */
export interface ButtonCall {
  /** What the press runs: the command, or the group of a subcommand (`admin`, so its audience is checked as when typed). */
  command: AnyCommand;
  /** The command or subcommand whose options the payload writes. */
  definition: CommandDefinition;
  /** Its full name, as a list records it: `catalog`, `admin log`. */
  path: string;
  /** The payload's words after the command (a subcommand's name first): what the press runs, as if typed. */
  args: string[];
  /** The options' values, option by option. */
  values: Record<string, string>;
}

/** A number as a button writes it: no sign, no leading zero, no spaces, ten digits at most. */
const CANONICAL_NUMBER = /^[1-9][0-9]{0,9}$/;

/** The one way a button writes a value of this option; anything else is not a button of ours. */
function canonical(spec: OptionSpec, value: string): boolean {
  switch (spec.kind) {
    case 'offer':
    case 'trade':
    case 'integer':
      return CANONICAL_NUMBER.test(value);
    case 'choice':
      return (spec.buttonChoices ?? spec.choices)?.includes(value) ?? false;
    case 'text':
      switch (spec.buttonForm) {
        case 'item-number':
          return CANONICAL_NUMBER.test(value);
        case 'words':
          // Search words as their slug: what the command makes of them anyway, in one word.
          return value !== '' && slugify(value) === value;
        case 'page':
          return PAGE_CURSOR.test(value);
        default:
          return false;
      }
    default:
      // Items and members never travel in a button.
      return false;
  }
}

/**
 * Reads a payload the way the bot writes one: a pressable command's exact name, then its options
 * laid out as {@link buttonArgs} writes them (every required one; each value in its one canonical
 * form), single spaces between. It is read with the same reader the press then runs it through,
 * and must be exactly what the bot would write for what was read, so a payload means one thing.
 * Anything else is not a button of ours.
 */
export function parseButtonPayload(payload: string): ButtonCall | undefined {
  if (utf8Length(payload) > MAX_PAYLOAD_BYTES) return undefined;
  const [name = '', ...words] = payload.split(' ');
  const command = findCommand(name);
  if (!command || command.name !== name) return undefined;
  // A subcommand's button names it right after its group: `admin log page after-9`.
  const [sub = '', ...subArgs] = words;
  const definition = isGroup(command) ? command.subcommands.find((candidate) => candidate.name === sub) : command;
  const args = isGroup(command) ? subArgs : words;
  if (!definition || !definition.pressable) return undefined;
  const read = readTextArguments(definition, args.join(' '));
  if (!read.ok) return undefined;
  const values: Record<string, string> = {};
  for (const { spec, required } of Object.values(definition.options)) {
    const value = read.values[spec.name];
    if (value === undefined) {
      if (required) return undefined;
      continue;
    }
    if (typeof value !== 'string' || !canonical(spec, value)) return undefined;
    values[spec.name] = value;
  }
  if (buttonArgs(definition, values).join(' ') !== args.join(' ')) return undefined;
  return { command, definition, path: isGroup(command) ? `${name} ${sub}` : name, args: words, values };
}

/** Whether a call acts on the record or list the pressed message shows, and nothing else. */
function actsOn(call: ButtonCall, shows: CardRecord): boolean {
  const { subject } = shows;
  if (subject.kind === 'list') return call.path === subject.command;
  const option = Object.values(call.definition.options).find((candidate) => candidate.spec.kind === subject.kind);
  return option !== undefined && Number(call.values[option.spec.name]) === subject.id;
}

export type PressPlan =
  | Refused
  | {
      ok: true;
      /** Where the command runs: never chosen by the payload. */
      market: Market;
      call: ButtonCall;
      /** The record the pressed message shows, if the bot recorded one: the only one it may show after the press. */
      shows: CardRecord | undefined;
    };

export interface PressInput {
  core: TradeCore;
  t: Messages;
  /** The payload as the platform delivered it: untrusted. */
  payload: string;
  /** The message the button sits on. */
  message: CardLocation;
  /** The market of the group or server the message lives in; none for a private chat or a DM. */
  chatMarket: Market | undefined;
  /** The presser's platform account. */
  presserId: string;
  /**
   * Asks the platform, at this moment, whether the presser still belongs to `market`'s group or
   * server: asked for a press outside it (a private chat), where the platform has not vouched.
   */
  isMember(market: Market): Promise<boolean>;
}

/** Decides whether a press may run, where, and what the pressed message may show afterwards. */
export async function planPress(input: PressInput): Promise<PressPlan> {
  const { core, t } = input;
  const call = parseButtonPayload(input.payload);
  if (!call) return refused(t.press.unknown);

  const shows = core.cardAt(input.message);
  if (shows && !actsOn(call, shows)) return refused(t.press.notThisMessage);

  if (input.chatMarket) {
    if (shows && shows.marketId !== input.chatMarket.id) return refused(t.press.notThisMessage);
    return { ok: true, market: input.chatMarket, call, shows };
  }
  // A private chat belongs to no market: only the bot's own record of the message can say which.
  const market = shows && core.getMarket(shows.marketId);
  if (!market) return refused(t.press.noMarket);
  if (!core.findMember(market.id, input.presserId) || !(await input.isMember(market))) return refused(t.press.notMember);
  return { ok: true, market, call, shows };
}

/**
 * What the pressed message shows once the press has run, if it changes: a live card shows its
 * record as it now is (after a command that acts on it; a refused one too, so a stale card fixes
 * itself), and a list shows the page the press asked for. Nothing else is ever put there.
 */
export function pressedMessage(core: TradeCore, t: Messages, plan: Extract<PressPlan, { ok: true }>, result: CommandResult): Reply | undefined {
  const { shows, call, market } = plan;
  // A press past the rate limit did nothing: the message it was on stays as it is.
  if (!shows || result.limited) return undefined;
  // A page of the list replaces the list; another answer (an offer opened from a list of offers) does not.
  if (shows.subject.kind === 'list') return result.reply.tone !== 'error' && result.reply.shows?.subject.kind === 'list' ? result.reply : undefined;
  if (!shows.follows || call.definition.readOnly) return undefined;
  return recordCard(core, t, market.id, shows.subject);
}
