/**
 * The command catalog: every chat command, once. Adapters build their menus, slash commands and
 * text parsing from this list.
 */
import accept from './accept.js';
import admin from './admin.js';
import cancel from './cancel.js';
import catalog from './catalog.js';
import confirm from './confirm.js';
import counter from './counter.js';
import decline from './decline.js';
import event from './event.js';
import { isGroup, type AnyCommand, type CommandDefinition, type CommandGroup } from './definition.js';
import { en } from './messages/en.js';
import type { Messages } from './messages/index.js';
import { createHelpCommand } from './help.js';
import inventory from './inventory.js';
import market from './market.js';
import markets from './markets.js';
import myoffers from './myoffers.js';
import offer from './offer.js';
import post from './post.js';
import profile from './profile.js';
import rate from './rate.js';
import reject from './reject.js';
import repost from './repost.js';
import search from './search.js';
import start from './start.js';
import trade from './trade.js';
import trades from './trades.js';
import want from './want.js';
import withdraw from './withdraw.js';

/**
 * Gives every command and option its words from a message catalog, so command files hold no
 * text. Throws at start-up if the catalog misses one: a menu entry without words is a bug.
 */
export function describeCommands(list: readonly AnyCommand[], t: Messages): readonly AnyCommand[] {
  const describe = (key: string, definition: CommandDefinition | CommandGroup) => {
    const words = t.commands[key];
    if (!words) throw new Error(`the message catalog has no words for command "${key}"`);
    definition.description = words.description;
    if (isGroup(definition)) return;
    for (const [name, option] of Object.entries(definition.options)) {
      const text = words.options?.[name];
      if (!text) throw new Error(`the message catalog has no words for option "${name}" of "${key}"`);
      option.spec.description = text;
    }
  };
  for (const command of list) {
    describe(command.name, command);
    if (isGroup(command)) for (const sub of command.subcommands) describe(`${command.name} ${sub.name}`, sub);
  }
  return list;
}

export const commands: readonly AnyCommand[] = describeCommands([
  start,
  createHelpCommand(() => commands),
  markets,
  inventory,
  catalog,
  post,
  market,
  search,
  offer,
  accept,
  cancel,
  repost,
  counter,
  decline,
  myoffers,
  trades,
  trade,
  confirm,
  reject,
  withdraw,
  rate,
  profile,
  want,
  event,
  admin,
], en);

export function findCommand(name: string): AnyCommand | undefined {
  const wanted = name.toLowerCase();
  return commands.find((command) => command.name === wanted);
}

export { executeCommand, executeText } from './dispatch.js';
export type * from './definition.js';
