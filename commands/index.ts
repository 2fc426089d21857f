/**
 * The command catalog: every chat command, once. Adapters build their menus, slash commands and
 * text parsing from this list.
 */
import accept from './accept.js';
import admin from './admin.js';
import cancel from './cancel.js';
import decline from './decline.js';
import type { AnyCommand } from './definition.js';
import { createHelpCommand } from './help.js';
import inventory from './inventory.js';
import market from './market.js';
import myoffers from './myoffers.js';
import offer from './offer.js';
import post from './post.js';
import profile from './profile.js';
import rate from './rate.js';
import trades from './trades.js';

export const commands: readonly AnyCommand[] = [
  createHelpCommand(() => commands),
  inventory,
  post,
  market,
  offer,
  accept,
  cancel,
  decline,
  myoffers,
  trades,
  rate,
  profile,
  admin,
];

export function findCommand(name: string): AnyCommand | undefined {
  const wanted = name.toLowerCase();
  return commands.find((command) => command.name === wanted);
}

export { executeCommand, executeText } from './dispatch.js';
export type * from './definition.js';
