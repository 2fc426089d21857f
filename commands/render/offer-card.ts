/** The card of one offer: what it gives and wants, its state, and the buttons that act on it. */
import type { TradeCore } from '../../src/core/trade-core.js';
import type { CardRecord } from '../../src/core/offer-cards.js';
import type { Clock, Market, OfferView } from '../../src/core/types.js';
import type { Reply, ReplyButton } from '../definition.js';
import { itemList, type Messages } from '../messages/index.js';

export function offerCard(t: Messages, clock: Clock, offer: OfferView): Reply {
  const open = offer.status === 'active' && offer.expiresAt > clock();
  const fields: Array<{ name: string; value: string }> = [
    { name: t.offer.from, value: offer.owner.displayName },
    { name: t.offer.gives, value: itemList(offer.give) },
    { name: t.offer.wants, value: itemList(offer.want) },
  ];
  if (offer.target) fields.push({ name: t.offer.forMember, value: offer.target.displayName });
  if (offer.note) fields.push({ name: t.offer.note, value: offer.note });
  // The number `/rate` takes: the parties find it here as well as in their answers and DMs.
  if (offer.tradeId !== null) fields.push({ name: t.offer.trade, value: t.offer.tradeNumber(offer.tradeId) });
  if (open) fields.push({ name: t.offer.expires, value: t.offer.expiresIn(offer.expiresAt - clock()) });

  const state = open ? t.offer.status['active'] : offer.status === 'active' ? t.offer.status['expired'] : t.offer.status[offer.status];
  const lines = [state ?? offer.status];
  if (offer.acceptedBy) lines.push(t.offer.acceptedBy(offer.acceptedBy.displayName));
  if (offer.status === 'removed' && offer.closeReason) lines.push(t.offer.removedBecause(offer.closeReason));

  const id = String(offer.id);
  const buttons: ReplyButton[] = open
    ? [
        { label: t.offer.buttons.accept, style: 'success', command: 'accept', args: [id] },
        { label: t.offer.buttons.details, style: 'secondary', command: 'offer', args: [id] },
        ...(offer.target
          ? [{ label: t.offer.buttons.decline, style: 'secondary', command: 'decline', args: [id] } satisfies ReplyButton]
          : []),
        { label: t.offer.buttons.cancel, style: 'danger', command: 'cancel', args: [id] },
      ]
    : [];
  return { title: t.offer.title(offer.id), text: lines.join('\n'), fields, buttons, visibility: 'public', tone: open ? 'info' : 'success' };
}

const OFFER_ACTIONS = new Set(['accept', 'cancel', 'decline']);

/**
 * The card a pressed message may show after the press: the record it was sent for, re-read within
 * its own market. Whatever a press names, a message never shows anything else.
 */
export function pressedCard(
  core: TradeCore,
  t: Messages,
  press: { command: string; market: Market; shows: CardRecord | undefined },
): { offerId: number; reply: Reply } | undefined {
  // Details only opens the offer: the card it was pressed on stays as it is.
  if (!OFFER_ACTIONS.has(press.command)) return undefined;
  const offer = press.shows && core.getOffer(press.market.id, press.shows.offerId);
  return offer && { offerId: offer.id, reply: offerCard(t, core.clock, offer) };
}

/**
 * The offer a message shows the live card of, read from its buttons: a message whose buttons act
 * on an offer must change when the offer does. A card without buttons shows an ending and never
 * changes again.
 */
export function cardOfferId(reply: Reply): number | undefined {
  const action = reply.buttons?.find((button) => OFFER_ACTIONS.has(button.command));
  return action ? Number(action.args[0]) : undefined;
}
