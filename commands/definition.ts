/**
 * The shape of a chat command, written once and rendered by every adapter.
 *
 * A command names its options (typed, with limits, and how they are written in a text message),
 * says who may use it, and runs against the core, returning a platform-neutral {@link Reply}.
 * It never sees a discord.js or grammY object.
 */
import type { z } from 'zod';
import type { CardSubject } from '../src/core/cards.js';
import type { TradeCore } from '../src/core/trade-core.js';
import type { Market, MemberRef } from '../src/core/types.js';
import type { Logger } from '../src/logger.js';
import type { Messages } from './messages/index.js';

export type OptionKind = 'text' | 'integer' | 'items' | 'member' | 'offer' | 'trade' | 'choice';

/**
 * Where an adapter with autocomplete (Discord) finds suggestions for an option:
 * - `catalog`: an ITEMS list, its last entry completed from the market's catalog (archived items left out);
 * - `catalog-with-archived`: the same, archived items included (a revoke: members still hold them);
 * - `item`: one catalog item, by name (archived items left out);
 * - `archived-item`: one archived item, by name;
 * - `inventory`: an ITEMS list, its last entry completed from what the member holds and may offer (not archived items);
 * - `own-offers`: the member's open offers;
 * - `market-offers`: the market's open offers;
 * - `acceptable-offers`: open offers the member may accept (not their own; public or directed at them);
 * - `offers-for-me`: open offers directed at the member;
 * - `unrated-trades`: the member's completed trades they have not rated yet.
 */
export type AutocompleteSource =
  | 'catalog'
  | 'catalog-with-archived'
  | 'item'
  | 'archived-item'
  | 'inventory'
  | 'own-offers'
  | 'market-offers'
  | 'acceptable-offers'
  | 'offers-for-me'
  | 'unrated-trades';

/**
 * How an option is written in a text command (Telegram): `positional` options are read in order
 * from the words before the first keyword, `rest` takes whatever positional text is left, and a
 * `keyword` option follows its own name (`hours 48`).
 */
export type TextForm = 'positional' | 'rest' | 'keyword';

export interface OptionSpec {
  name: string;
  kind: OptionKind;
  /** Filled from the message catalog by `describeCommands` (`commands.<command>.options.<name>`). */
  description: string;
  required: boolean;
  form: TextForm;
  /** Placeholder in usage lines, e.g. `ITEMS`. */
  placeholder: string;
  min?: number;
  max?: number;
  maxLength?: number;
  choices?: readonly string[];
  /** The choices a button may carry, when not all of them (`/event list` pages; `/event close` is never a button). */
  buttonChoices?: readonly string[];
  autocomplete?: AutocompleteSource;
  /** A keyword option whose value runs to the end of the line (`note`). */
  trailing?: boolean;
  /**
   * How a button writes this option, for a text option a button carries (see `canonical` in
   * press.ts): `item-number`, one catalog item by its number (a name may not fit in a button);
   * `words`, search words as one lower-case slug (`red-apple`); `page`, a page cursor
   * (`after-120`, `before-7`). Numbers and choices need none; other text never travels in a button.
   */
  buttonForm?: 'item-number' | 'words' | 'page';
  /**
   * Written only by buttons (the page cursor): left out of usage lines and slash commands, since
   * members page with the buttons every list carries and never need to type it.
   */
  buttonOnly?: boolean;
}

/** A platform account named in a command: resolved to a member of the market by the dispatcher. */
export type MemberMention =
  | {
      kind: 'user';
      platformUserId: string;
      displayName: string;
      username?: string | null | undefined;
      /**
       * The words the message showed for this account (a Telegram text mention's link text), put
       * back in place where the mention lands in an option that is not a member (a note, a reason).
       */
      shown?: string | undefined;
    }
  | { kind: 'username'; username: string };

/** What an adapter hands in for one option: text from a message, a typed Discord value, or a member. */
export type RawValue = string | number | MemberMention;

export interface CommandOption<T, Required extends boolean> {
  spec: OptionSpec;
  /** Turns the raw value into the handler's value; its failures become sentences for the member. */
  schema: z.ZodType<T, RawValue>;
  required: Required;
}

type AnyOption = CommandOption<unknown, boolean>;
export type OptionsShape = Record<string, AnyOption>;

export type ArgsOf<O extends OptionsShape> = {
  [K in keyof O]: O[K] extends CommandOption<infer T, infer R> ? (R extends true ? T : T | undefined) : never;
};

export interface ReplyButton {
  label: string;
  style: 'primary' | 'secondary' | 'success' | 'danger';
  /** The command a press runs, and its text arguments: pressing is the same as typing `/accept 12`. */
  command: string;
  args: string[];
}

/**
 * What a button carries back when pressed: the command and its arguments as typed, `accept 12`,
 * `market 7 page after-120`. Both platforms store it (Telegram callback data, Discord custom id);
 * pressing runs it as text.
 */
export const buttonPayload = (button: ReplyButton) => [button.command, ...button.args].join(' ');

/** Options in the order a text command reads them: positional words, the rest, then keywords. */
export const textOrder = (spec: OptionSpec) => (spec.form === 'positional' ? 0 : spec.form === 'rest' ? 1 : 2);

/** Telegram's limit for callback data, in bytes of UTF-8; Discord's custom ids allow more. */
export const MAX_PAYLOAD_BYTES = 64;

/** The length of `text` in UTF-8, as Telegram counts callback data. */
export const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/**
 * The arguments a button writes for `values` (option name to value, as text): positional
 * options in the command's order, then the rest, then each keyword option as `name value`,
 * exactly the layout a typed command is read in, so a press reads back as these values.
 */
export function buttonArgs(definition: CommandDefinition, values: Readonly<Record<string, string | undefined>>): string[] {
  const specs = Object.values(definition.options).map((option) => option.spec);
  const args: string[] = [];
  for (const spec of specs.sort((a, b) => textOrder(a) - textOrder(b))) {
    const value = values[spec.name];
    if (value === undefined) continue;
    args.push(...(spec.form === 'keyword' ? [spec.name, value] : [value]));
  }
  return args;
}

export interface Reply {
  title?: string;
  /** Plain text; adapters escape it for their markup. Lines are separated by `\n`. */
  text: string;
  fields?: Array<{ name: string; value: string }>;
  buttons?: ReplyButton[];
  /**
   * `public`: everyone in the market's chat sees it. `personal`: meant for the member (ephemeral
   * on Discord; answered in place where a platform cannot hide it, as Telegram groups).
   * `private`: must not show in the market's chat (ephemeral on Discord, the private chat on
   * Telegram): holdings, history, reputation.
   */
  visibility: 'public' | 'personal' | 'private';
  tone: 'info' | 'success' | 'error';
  /**
   * What the message shows, for the bot to remember when it sends it (see `cards` in the schema):
   * a record's live card (`follows`: edited whenever the record changes), a notice about a record
   * (its buttons act on that record), or a list (its page buttons re-run its command).
   */
  shows?: { subject: CardSubject; follows: boolean } | undefined;
  /**
   * The market the message is about, shown with it where the chat itself does not say (a private
   * chat, a direct message): members of several groups or servers must tell them apart.
   */
  market?: string | undefined;
  /** Files sent with the message (`/event export`); each adapter uploads them its own way. */
  attachments?: ReplyAttachment[] | undefined;
}

/** A text file attached to a reply. */
export interface ReplyAttachment {
  /** The file's name, with its extension (`want-list.txt`). */
  name: string;
  /** Its contents, as UTF-8 text. */
  text: string;
}

/**
 * Something a member asked for that cannot be done, on its way to the adapter: one sentence for
 * the member, and nothing changed. Every refusal before a command has a reply takes this shape
 * (a member that cannot be named, a chat with no market, a press that is not the bot's); the core's
 * own refusals are codes (`TradeError`) that commands put into words.
 */
export interface Refused {
  ok: false;
  refusal: string;
}

export const refused = (refusal: string): Refused => ({ ok: false, refusal });

export interface CommandResult {
  reply: Reply;
  /**
   * The new state of an offer's card, when the command changed the offer: an adapter edits the
   * card the member pressed a button on.
   */
  card?: { offerId: number; reply: Reply };
  /**
   * The market the answer is about, when the command moved the member's private chat to another
   * one ({@link CommandContext.enterMarket}): the adapter records the answer's card with it.
   */
  market?: Market;
  /**
   * The command was not run: the member is past the market's rate limit, and the reply says when
   * they may go on. `quiet`: they were told already, so where the answer would show in the market's
   * chat (a typed command in a Telegram group) an adapter says nothing; a press still answers in its
   * own popup, and an answer only the member sees (Discord) is shown as usual.
   */
  limited?: { quiet: boolean };
}

/** What a platform can do: commands say things its way by asking this, never by its name. */
export interface PlatformCapabilities {
  /** `slash`: typed options (`/post give: ... want: ...`); `text`: words after the command (`/post give ... want ...`). */
  syntax: 'slash' | 'text';
  /** An answer can be shown to one member alone inside the market's chat. */
  ephemeral: boolean;
  /** Members have a private chat with the bot whose commands act on a market they pick (`/markets`). */
  privateMarkets: boolean;
}

/** The capabilities a platform has or lacks, as opposed to the way it does something (`syntax`). */
export type PlatformFeature = { [K in keyof PlatformCapabilities]: PlatformCapabilities[K] extends boolean ? K : never }[keyof PlatformCapabilities];

/** Whether `command` exists on a platform with `capabilities`. */
export const availableOn = (command: AnyCommand, capabilities: PlatformCapabilities): boolean =>
  isGroup(command) || command.requires === undefined || capabilities[command.requires];

export interface CommandContext {
  core: TradeCore;
  t: Messages;
  capabilities: PlatformCapabilities;
  market: Market;
  member: MemberRef;
  /**
   * Asks the platform, at this moment, whether the member still belongs to the market's group or
   * server. Set only where the platform has not vouched for it already: a command sent from
   * outside the market's chat (a private chat, a DM).
   */
  isStillMember?: (() => Promise<boolean>) | undefined;
  /** The command came from a private chat or DM, which does not say which market it is about. */
  inPrivate?: boolean | undefined;
  /**
   * Where a private chat acts on a market the member picks (capability `privateMarkets`): makes
   * `market` the one it acts on, if the member trades there and the platform still counts them in
   * its group, and returns the context for it; undefined if they do not belong there.
   */
  enterMarket?: ((market: Market) => Promise<CommandContext | undefined>) | undefined;
  /**
   * The market's chat the command was sent in (a Telegram group, a Discord channel), where a
   * later post about it belongs (an event's summary); absent from a private chat or DM.
   */
  chatId?: string | undefined;
  /** Asks the platform, at this moment, whether the member administers the market. */
  isAdmin(): Promise<boolean>;
  /**
   * The adapter's logger, for trouble a command handles itself (e.g. `/help` when the admin check
   * fails); the process's default logger when absent.
   */
  log?: Pick<Logger, 'warn'> | undefined;
}

export interface CommandDefinition<O extends OptionsShape = OptionsShape> {
  name: string;
  /** Filled from the message catalog by `describeCommands` (`commands.<name>.description`). */
  description: string;
  /** `admin` commands are checked against the platform's admin rights before they run. */
  audience: 'everyone' | 'admin';
  options: O;
  /**
   * A command that only reads. Anything else changes the market, so it is refused to a member the
   * platform no longer counts in the market's group (see {@link CommandContext.isStillMember}).
   */
  readOnly?: boolean;
  /**
   * Whether a button may run this command. A press carries its payload back from the member's
   * client, so only these commands are taken from a button, with exactly their options as the
   * bot writes them (numbers, choices, or a text option with a `buttonForm`).
   */
  pressable?: boolean;
  /** A capability the platform must have for this command to exist there (menus, help, slash commands). */
  requires?: PlatformFeature;
  run(ctx: CommandContext, args: ArgsOf<O>): CommandResult | Promise<CommandResult>;
}

/** A command made of subcommands (`/admin grant ...`); the subcommand is the first word. */
export interface CommandGroup {
  name: string;
  /** Filled from the message catalog by `describeCommands`. */
  description: string;
  audience: 'everyone' | 'admin';
  subcommands: Array<CommandDefinition<OptionsShape>>;
}

export type AnyCommand = CommandDefinition<OptionsShape> | CommandGroup;

export const isGroup = (command: AnyCommand): command is CommandGroup => 'subcommands' in command;

/** Declares a command with its argument types inferred from its options; its words come from the catalog. */
export function defineCommand<O extends OptionsShape>(definition: Omit<CommandDefinition<O>, 'description'>): CommandDefinition<OptionsShape> {
  return { ...definition, description: '' } as unknown as CommandDefinition<OptionsShape>;
}

/** Declares a command made of subcommands. */
export function defineGroup(group: Omit<CommandGroup, 'description'>): CommandGroup {
  return { ...group, description: '' };
}
