/**
 * A notification as the member receives it in a direct message: the words, the market it is
 * about (a member of several groups or servers must tell them apart), and buttons for the obvious
 * next step. The bot records the message with its market and record when it sends it, so a press
 * in the DM acts on that market and that record only.
 */
import type { Notification } from '../../src/core/outbox.js';
import type { Reply, ReplyButton } from '../definition.js';
import type { Messages } from '../messages/index.js';

const STARS = [1, 2, 3, 4, 5] as const;

/** One button a star count, so a rating is one press. */
const rateButtons = (t: Messages, tradeId: number): ReplyButton[] =>
  STARS.map((stars) => ({ label: t.notificationButtons.stars(stars), style: 'secondary', command: 'rate', args: [String(tradeId), String(stars)] }));

export function notificationReply(t: Messages, notification: Notification, marketTitle: string | null): Reply {
  const render = t.notification[notification.kind] as (n: Notification) => string;
  const reply: Reply = { text: render(notification), visibility: 'private', tone: 'info', market: marketTitle ?? undefined };
  switch (notification.kind) {
    case 'offer_directed': {
      const id = String(notification.offerId);
      return {
        ...reply,
        buttons: [
          { label: t.offer.buttons.accept, style: 'success', command: 'accept', args: [id] },
          { label: t.offer.buttons.decline, style: 'secondary', command: 'decline', args: [id] },
        ],
        shows: { subject: { kind: 'offer', id: notification.offerId }, follows: false },
      };
    }
    case 'offer_accepted':
    case 'trade_completed':
    case 'trade_rated':
      return { ...reply, buttons: rateButtons(t, notification.tradeId), shows: { subject: { kind: 'trade', id: notification.tradeId }, follows: false } };
    case 'loop_completed':
      // Rates the member this owner received from; the trade they gave in is rated by its receiver.
      return { ...reply, buttons: rateButtons(t, notification.gotTradeId), shows: { subject: { kind: 'trade', id: notification.gotTradeId }, follows: false } };
    case 'offer_expired': {
      const repost: ReplyButton = { label: t.notificationButtons.repost, style: 'primary', command: 'repost', args: [String(notification.offerId)] };
      return { ...reply, buttons: [repost], shows: { subject: { kind: 'offer', id: notification.offerId }, follows: false } };
    }
    default:
      return reply;
  }
}
