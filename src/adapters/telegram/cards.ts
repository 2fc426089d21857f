/** Offer cards on Telegram: edited in place when their record changes. */
import { GrammyError } from 'grammy';
import type { Message } from 'grammy/types';
import type { CommandResult, Reply } from '../../../commands/definition.js';
import { refreshCards } from '../../jobs/cards.js';
import type { CardEditor } from '../../platform.js';
import { messageOptions, renderHtml } from './render.js';
import type { TelegramServices } from './services.js';

/** Whether Telegram says the edit changed nothing: the card already shows the reply. */
const unchanged = (error: unknown) => error instanceof GrammyError && error.description.includes('message is not modified');

export function createCards({ core, log, api }: TelegramServices) {
  /** Edits a remembered card message; a message that can no longer be edited is `gone`. */
  const cardEditor: CardEditor = {
    platform: 'telegram',
    async editCard(location, reply) {
      try {
        await api.editMessageText(Number(location.chatId), Number(location.messageId), renderHtml(reply), messageOptions(reply));
        return 'shown';
      } catch (error) {
        if (!(error instanceof GrammyError)) throw error;
        if (unchanged(error)) return 'shown';
        // Deleted, too old to edit, or a chat the bot was removed from.
        if (error.error_code === 403 || /message to edit not found|message can't be edited|chat not found/i.test(error.description)) return 'gone';
        throw error;
      }
    },
  };

  /**
   * Brings every remembered card of the offer a command changed up to date (the one the member
   * pressed, `pressed`, was edited by the caller already).
   */
  const followChange = (changed: CommandResult['card'], pressed?: Message) =>
    changed &&
    refreshCards({
      core,
      editor: cardEditor,
      log,
      record: { kind: 'offer', id: changed.offerId },
      editedAlready: pressed && { platform: 'telegram', chatId: String(pressed.chat.id), messageId: String(pressed.message_id) },
    });

  /**
   * Shows `reply` on the pressed message. The command has committed: a message that cannot be
   * edited (deleted, too old) must not turn its answer into an error.
   */
  async function editPressedMessage(message: Message, reply: Reply): Promise<void> {
    try {
      await api.editMessageText(message.chat.id, message.message_id, renderHtml(reply), messageOptions(reply));
    } catch (error) {
      if (!unchanged(error)) log.warn({ err: error, chat: message.chat.id, message: message.message_id }, 'could not update the pressed message');
    }
  }

  return { cardEditor, followChange, editPressedMessage };
}

export type TelegramCards = ReturnType<typeof createCards>;
