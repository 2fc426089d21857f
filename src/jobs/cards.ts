/**
 * Offer cards that follow their offers. The core marks an offer's cards stale whenever the offer
 * changes; this edits each stale card to show the offer as it now is. The adapters call it right
 * after a command changed an offer (so the group sees it at once), and the scheduler calls it on
 * the delivery schedule to catch the changes no command made (expiry) and the edits that failed.
 */
import { messagesFor } from '../../commands/messages/index.js';
import { recordCard } from '../../commands/render/records.js';
import type { CardLocation, RecordRef } from '../core/cards.js';
import type { TradeCore } from '../core/trade-core.js';
import type { Platform } from '../core/types.js';
import type { Logger } from '../logger.js';
import type { CardEditor } from '../platform.js';

const sameMessage = (a: CardLocation, b: CardLocation) => a.platform === b.platform && a.chatId === b.chatId && a.messageId === b.messageId;

/**
 * Edits the stale cards of one platform: all of them (a batch), or those of `record`.
 * `editedAlready` is a card the caller has just edited itself (the message a button was pressed
 * on): it is recorded as shown without a second edit. Returns how many cards were edited or found
 * gone.
 */
export async function refreshCards(options: {
  core: TradeCore;
  editor: CardEditor;
  log: Logger;
  record?: RecordRef;
  editedAlready?: CardLocation | undefined;
  limit?: number;
}): Promise<number> {
  const { core, editor, log } = options;
  const stale = core.staleCards(editor.platform, options.record ? { record: options.record } : { limit: options.limit ?? 50 });
  let edited = 0;
  for (const card of stale) {
    if (options.editedAlready && sameMessage(card, options.editedAlready)) {
      core.cardShown(card);
      continue;
    }
    // Cards are public and a chat has no one language: they are shown in the default one.
    const reply = recordCard(core, messagesFor(), card.marketId, card.record);
    if (!reply) {
      core.forgetCard(card.id);
      continue;
    }
    try {
      const outcome = await editor.editCard(card, reply);
      if (outcome === 'gone') core.forgetCard(card.id);
      else core.cardShown(card);
      edited += 1;
    } catch (error) {
      // Left stale: the next pass tries again.
      log.warn({ err: error, record: card.record, market: card.marketId, chat: card.chatId }, 'could not update a card; will retry');
    }
  }
  return edited;
}
