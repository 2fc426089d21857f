/**
 * The command menu Telegram shows when a member types `/`: everyone's commands for everyone,
 * and `/admin` only in the administrators' scope.
 */
import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { isGroup, type AnyCommand } from '../../../commands/definition.js';
import type { Messages } from '../../../commands/messages/index.js';

export async function publishCommandMenu(api: Api, commands: readonly AnyCommand[], t: Messages): Promise<void> {
  const entry = (command: AnyCommand): BotCommand => ({ command: command.name, description: command.description.slice(0, 256) });
  const everyone = commands.filter((command) => command.audience === 'everyone' && !isGroup(command)).map(entry);
  const admins = commands.filter((command) => command.audience === 'admin').map(entry);
  await api.setMyCommands(everyone, { scope: { type: 'default' } });
  await api.setMyCommands([...everyone, { command: 'markets', description: t.telegram.marketsDescription }], {
    scope: { type: 'all_private_chats' },
  });
  await api.setMyCommands([...everyone, ...admins], { scope: { type: 'all_chat_administrators' } });
}
