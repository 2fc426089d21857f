/**
 * A notification as the member receives it in a direct message: the words, the market it is
 * about (a member of several groups or servers must tell them apart), and buttons for the obvious
 * next step. The bot records the message with its market and record when it sends it, so a press
 * in the DM acts on that market and that record only.
 */
import type { Notification } from '../../src/core/outbox.js';
import type { Reply, ReplyButton } from '../definition.js';
import type { Messages } from '../messages/index.js';
import { settlementButtons } from './trade-card.js';
import { counterButton } from './offer-card.js';

const STARS = [1, 2, 3, 4, 5] as const;
/** Buttons one message row holds on Discord; more offers are named in the text. */
const MAX_DETAILS_BUTTONS = 5;

/** One button a star count, so a rating is one press. */
export const rateButtons = (t: Messages, tradeId: number): ReplyButton[] =>
  STARS.map((stars) => ({ label: t.notificationButtons.stars(stars), style: 'secondary', command: 'rate', args: [String(tradeId), String(stars)] }));

/** Accept and Decline: what the member an offer was made to can do with it. */
const answerButtons = (t: Messages, offerId: number): ReplyButton[] => [
  { label: t.offer.buttons.accept, style: 'success', command: 'accept', args: [String(offerId)] },
  { label: t.offer.buttons.decline, style: 'secondary', command: 'decline', args: [String(offerId)] },
];

export function notificationReply(t: Messages, notification: Notification, marketTitle: string | null): Reply {
  const render = t.notification[notification.kind] as (n: Notification) => string;
  const reply: Reply = { text: render(notification), visibility: 'private', tone: 'info', market: marketTitle ?? undefined };
  switch (notification.kind) {
    case 'offer_directed':
      return { ...reply, buttons: answerButtons(t, notification.offerId), shows: { subject: { kind: 'offer', id: notification.offerId }, follows: false } };
    case 'counter_received':
      // A counter is an offer made to the recipient: the same next steps, plus answering it again.
      return {
        ...reply,
        buttons: [...answerButtons(t, notification.offerId), counterButton(t, notification.offerId)],
        shows: { subject: { kind: 'offer', id: notification.offerId }, follows: false },
      };
    case 'settlement_requested':
    case 'settlement_accepted':
    case 'settlement_handed_over': {
      // The recipient's next step, as the trade stood when the step was taken: a press re-checks it.
      const asOwner = notification.kind === 'settlement_requested';
      const state = { id: notification.tradeId, status: asOwner ? 'pending' : 'processing', confirmedAt: notification.kind === 'settlement_handed_over' ? 1 : null } as const;
      const buttons = settlementButtons(t, state)[asOwner ? 'owner' : 'taker'];
      return { ...reply, buttons, shows: { subject: { kind: 'trade', id: notification.tradeId }, follows: false } };
    }
    case 'settlement_completed':
    case 'offer_accepted':
    case 'trade_completed':
    case 'trade_rated':
      return { ...reply, buttons: rateButtons(t, notification.tradeId), shows: { subject: { kind: 'trade', id: notification.tradeId }, follows: false } };
    case 'event_entry_traded':
      return { ...reply, buttons: rateButtons(t, notification.gotTradeId), shows: { subject: { kind: 'trade', id: notification.gotTradeId }, follows: false } };
    case 'loop_completed':
      // Rates the member this owner received from; the trade they gave in is rated by its receiver.
      return { ...reply, buttons: rateButtons(t, notification.gotTradeId), shows: { subject: { kind: 'trade', id: notification.gotTradeId }, follows: false } };
    case 'offer_expired': {
      const repost: ReplyButton = { label: t.notificationButtons.repost, style: 'primary', command: 'repost', args: [String(notification.offerId)] };
      return { ...reply, buttons: [repost], shows: { subject: { kind: 'offer', id: notification.offerId }, follows: false } };
    }
    case 'wish_matches':
      return { ...reply, ...wishButtons(t, notification.offers) };
    default:
      return reply;
  }
}

/**
 * A digest of one offer carries that offer's Accept (when the member holds what it wants) and
 * Details; of several, a Details button each, which opens the offer with its own buttons. The
 * message is recorded as a list of offers: its buttons may only show offers of its market.
 */
function wishButtons(t: Messages, offers: ReadonlyArray<{ offerId: number; holdsAll: boolean }>): Partial<Reply> {
  const details = (offerId: number): ReplyButton => ({ label: offers.length === 1 ? t.offer.buttons.details : `#${offerId}`, style: 'secondary', command: 'offer', args: [String(offerId)] });
  const [only] = offers;
  if (offers.length === 1 && only) {
    const accept: ReplyButton[] = only.holdsAll ? [{ label: t.offer.buttons.accept, style: 'success', command: 'accept', args: [String(only.offerId)] }] : [];
    return { buttons: [...accept, details(only.offerId)], shows: { subject: { kind: 'offer', id: only.offerId }, follows: false } };
  }
  return { buttons: offers.slice(0, MAX_DETAILS_BUTTONS).map((offer) => details(offer.offerId)), shows: { subject: { kind: 'list', command: 'offer' }, follows: false } };
}
