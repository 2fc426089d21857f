/**
 * Who is acting, as Discord tells it: the name a server shows for a member, a member named in an
 * option, the market and member an interaction enters, and whether Discord still counts an account
 * a member of a market's server (asked for a press in a DM, where no server vouches).
 */
import {
  DiscordAPIError,
  GuildMember,
  RESTJSONErrorCodes,
  type APIInteractionDataResolvedGuildMember,
  type APIInteractionGuildMember,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type User,
} from 'discord.js';
import type { MemberMention } from '../../../commands/definition.js';
import type { TradeCore } from '../../core/trade-core.js';
import type { Market, MemberRef } from '../../core/types.js';

/** Answers that say an account is not (or no longer) in a server, or the bot is not there itself. */
const NOT_A_MEMBER: number[] = [RESTJSONErrorCodes.UnknownMember, RESTJSONErrorCodes.UnknownGuild, RESTJSONErrorCodes.MissingAccess];

type AnyMember = GuildMember | APIInteractionGuildMember | APIInteractionDataResolvedGuildMember | null | undefined;

/** The name a server shows for a member: their server nickname, else their display name, else their username. */
export function displayNameOf(user: User, member: AnyMember): string {
  const nick = member instanceof GuildMember ? member.nickname : member?.nick;
  return nick || user.globalName || user.username;
}

/** A member named in an option, as the dispatcher takes them. */
export const mentionOf = (user: User, member: AnyMember): MemberMention => ({
  kind: 'user',
  platformUserId: user.id,
  displayName: displayNameOf(user, member),
  username: user.username,
});

/** The guild's market and the member acting in it, both created or refreshed on first use. */
export function enterMarket(
  core: TradeCore,
  interaction: ChatInputCommandInteraction<'cached' | 'raw'> | ButtonInteraction<'cached' | 'raw'>,
): { market: Market; member: MemberRef } {
  const market = core.ensureMarket({ platform: 'discord', platformMarketId: interaction.guildId, title: interaction.guild?.name ?? null });
  const member = core.ensureMember({
    marketId: market.id,
    platformUserId: interaction.user.id,
    displayName: displayNameOf(interaction.user, interaction.member),
    username: interaction.user.username,
    // What Discord says of the account, for the newcomer gate (src/core/limits.ts).
    joinedAt: joinedAtOf(interaction.member),
    accountCreatedAt: interaction.user.createdTimestamp,
  });
  return { market, member };
}

/** When a member joined the server, as the interaction says (a cached member or the raw payload). */
function joinedAtOf(member: AnyMember): number | null {
  if (member instanceof GuildMember) return member.joinedTimestamp;
  const joined = member && 'joined_at' in member ? Date.parse(member.joined_at ?? '') : NaN;
  return Number.isFinite(joined) ? joined : null;
}

/** Whether Discord counts `userId` a member of `market`'s server now (asked for a press in a DM). */
export async function isServerMember(client: Client, market: Market, userId: string): Promise<boolean> {
  try {
    const guild = await client.guilds.fetch(market.platformMarketId);
    await guild.members.fetch({ user: userId, force: true });
    return true;
  } catch (error) {
    if (error instanceof DiscordAPIError && NOT_A_MEMBER.includes(Number(error.code))) return false;
    throw error;
  }
}
