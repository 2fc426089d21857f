/**
 * What waited for a member whose DMs were closed, shown on their next interaction in answers only
 * they see. Discord never says when a member opens their DMs again, so this is the one way such a
 * member hears from the bot, and after it their DMs get another try.
 */
import type { ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import type { Messages } from '../../../commands/messages/index.js';
import { notificationReply } from '../../../commands/render/notification.js';
import { isChatPost } from '../../core/outbox.js';
import type { TradeCore } from '../../core/trade-core.js';
import { renderReply } from './render.js';

/** How long shown-on-interaction notifications are held while they are being shown. */
const WAITING_LEASE_MS = 30_000;

/**
 * Shows a member whose DMs were closed what waited for them, in answers only they see, each
 * counted as delivered; then DMs get another try, since Discord never says when a member opens
 * them again. Called once the interaction has its answer.
 */
export async function showWaiting(core: TradeCore, interaction: ChatInputCommandInteraction | ButtonInteraction, t: Messages): Promise<void> {
  for (const row of core.claimWaitingFor('discord', interaction.user.id, WAITING_LEASE_MS)) {
    if (isChatPost(row.notification)) continue;
    const reply = notificationReply(t, row.notification, row.marketTitle);
    const message = await interaction.followUp(renderReply(reply, true));
    if (reply.shows) core.recordCard({ platform: 'discord', chatId: message.channelId, messageId: message.id }, { marketId: row.marketId, ...reply.shows, follows: false });
    core.markDelivered(row);
  }
  core.markReachable('discord', interaction.user.id);
}
