/**
 * The command menu Telegram shows when a member types `/`: everyone's commands for everyone,
 * and `/admin` only in the administrators' scope. Only commands this platform has.
 */
import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { availableOn, type AnyCommand, type PlatformCapabilities } from '../../../commands/definition.js';

export async function publishCommandMenu(api: Api, commands: readonly AnyCommand[], capabilities: PlatformCapabilities): Promise<void> {
  const entry = (command: AnyCommand): BotCommand => ({ command: command.name, description: command.description.slice(0, 256) });
  const here = commands.filter((command) => availableOn(command, capabilities));
  const everyone = here.filter((command) => command.audience === 'everyone').map(entry);
  const admins = here.filter((command) => command.audience === 'admin').map(entry);
  await api.setMyCommands(everyone, { scope: { type: 'default' } });
  await api.setMyCommands([...everyone, ...admins], { scope: { type: 'all_chat_administrators' } });
}
