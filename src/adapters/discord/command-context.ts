/**
 * What a command is handed for one Discord interaction: the market and member it acts for,
 * Discord's capabilities, and the two questions a command may ask about the member, answered the
 * Discord way: admin rights from the permissions sent with the interaction, and membership, from
 * a DM, by asking Discord.
 */
import { PermissionFlagsBits, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext, PlatformCapabilities } from '../../../commands/definition.js';
import type { Messages } from '../../../commands/messages/index.js';
import type { Market, MemberRef } from '../../core/types.js';
import type { DiscordContext } from './context.js';
import { isServerMember } from './members.js';

/** Slash commands with typed options, answers only one member sees, and no private chat of markets. */
export const DISCORD_CAPABILITIES: PlatformCapabilities = { syntax: 'slash', ephemeral: true, privateMarkets: false };

export function commandContext(
  bot: DiscordContext,
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  market: Market,
  member: MemberRef,
  t: Messages,
  /** Membership was checked a moment ago (a press from a DM, commands/press.ts): not asked again. */
  vouched = false,
): CommandContext {
  const inServer = interaction.inGuild();
  return {
    core: bot.core,
    t,
    capabilities: DISCORD_CAPABILITIES,
    log: bot.log,
    market,
    member,
    // Read at the moment of the action from the permissions Discord sent with this interaction
    // (Administrator implies Manage Server): never cached, never a REST call.
    isAdmin: async () => interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
    // A DM vouches for no server: membership is asked of Discord when a command would change something.
    isStillMember: inServer || vouched ? undefined : () => isServerMember(bot.client, market, interaction.user.id),
    inPrivate: !inServer,
    chatId: inServer ? (interaction.channelId ?? undefined) : undefined,
  };
}
