/**
 * Cards: messages the bot remembers as showing a record or a list. Remembering one is what lets a
 * press on it act there and on nothing else, and lets a public live card follow its record; the
 * card editor reaches a remembered card through its channel (the interaction that posted it may be
 * long gone), and a command that changed an offer brings the offer's cards up to date.
 */
import { DiscordAPIError, RESTJSONErrorCodes, type Client } from 'discord.js';
import type { CommandResult, Reply } from '../../../commands/definition.js';
import type { TradeCore } from '../../core/trade-core.js';
import type { Market } from '../../core/types.js';
import { refreshCards } from '../../jobs/cards.js';
import type { CardEditor } from '../../platform.js';
import type { DiscordContext } from './context.js';
import { renderMessage } from './render.js';

/** Edit failures that mean the card message is gone for good: unknown message or channel, no access. */
const CARD_GONE: number[] = [RESTJSONErrorCodes.UnknownMessage, RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess];

/** Where a message the bot sent lives. */
interface SentMessage {
  id: string;
  channelId: string;
}

/**
 * Remembers what a message of `market` shows: a press on it then acts there and on nothing else,
 * and a public live card follows its record. The card job edits through the channel, which cannot
 * reach an ephemeral message: those only anchor their buttons.
 */
export function rememberCard(core: TradeCore, reply: Reply, message: SentMessage | null | undefined, market: Market): void {
  if (!reply.shows || !message) return;
  const follows = reply.shows.follows && reply.visibility === 'public';
  core.recordCard({ platform: 'discord', chatId: message.channelId, messageId: message.id }, { marketId: market.id, subject: reply.shows.subject, follows });
}

/** Edits a remembered card through its channel (the interaction that posted it may be long gone). */
export function createCardEditor(client: Client): CardEditor {
  return {
    platform: 'discord',
    async editCard(location, reply) {
      try {
        const channel = await client.channels.fetch(location.chatId);
        if (!channel?.isTextBased()) return 'gone';
        await channel.messages.edit(location.messageId, renderMessage(reply));
        return 'shown';
      } catch (error) {
        // Deleted, or a channel the bot can no longer see.
        if (error instanceof DiscordAPIError && CARD_GONE.includes(Number(error.code))) return 'gone';
        throw error;
      }
    },
  };
}

/** Brings the remembered cards of the offer a command changed up to date; `pressed` was already edited by the caller. */
export const followChange = (bot: DiscordContext, changed: CommandResult['card'], pressed?: SentMessage) =>
  changed &&
  refreshCards({
    core: bot.core,
    editor: bot.cardEditor,
    log: bot.log,
    record: { kind: 'offer', id: changed.offerId },
    editedAlready: pressed && { platform: 'discord', chatId: pressed.channelId, messageId: pressed.id },
  });
