/** The card of one offer: what it gives and wants, its state, and the buttons that act on it. */
import type { Clock, OfferView } from '../../src/core/types.js';
import type { Reply, ReplyButton } from '../definition.js';
import { COUNTER_ENDED_WITH_ORIGINAL } from '../../src/core/counter-links.js';
import { itemList, type Messages } from '../messages/index.js';

/** Counter: the press says how to counter this offer (a button cannot carry the items). */
export const counterButton = (t: Messages, offerId: number): ReplyButton => ({ label: t.offer.buttons.counter, style: 'primary', command: 'counter', args: [String(offerId)] });

export function offerCard(t: Messages, clock: Clock, offer: OfferView): Reply {
  const open = offer.status === 'active' && offer.expiresAt > clock();
  const fields: Array<{ name: string; value: string }> = [
    { name: t.offer.from, value: offer.owner.displayName },
    { name: t.offer.reputation, value: t.offer.reputationValue(offer.ownerReputation) },
    { name: t.offer.gives, value: itemList(offer.give) },
    { name: t.offer.wants, value: itemList(offer.want) },
  ];
  if (offer.target) fields.push({ name: t.offer.forMember, value: offer.target.displayName });
  // A counter shows the negotiation it belongs to: `#12 → #13` for a counter to #13, which countered #12.
  if (offer.counterTo !== null) fields.push({ name: t.offer.counterTo, value: t.offer.thread(offer.thread) });
  if (offer.note) fields.push({ name: t.offer.note, value: offer.note });
  // The number `/rate` takes: the parties find it here as well as in their answers and DMs.
  if (offer.tradeId !== null) fields.push({ name: t.offer.trade, value: t.offer.tradeNumber(offer.tradeId) });
  if (open) fields.push({ name: t.offer.expires, value: t.offer.expiresIn(offer.expiresAt - clock()) });

  const state = open ? t.offer.status['active'] : offer.status === 'active' ? t.offer.status['expired'] : t.offer.status[offer.status];
  const lines = [state ?? offer.status];
  if (offer.acceptedBy) lines.push(t.offer.acceptedBy(offer.acceptedBy.displayName));
  if (offer.status === 'removed' && offer.closeReason) lines.push(t.offer.removedBecause(offer.closeReason));
  if (offer.counterTo !== null && offer.closeReason === COUNTER_ENDED_WITH_ORIGINAL) lines.push(t.offer.endedWithOriginal(offer.counterTo));

  const id = String(offer.id);
  const buttons: ReplyButton[] = open
    ? [
        { label: t.offer.buttons.accept, style: 'success', command: 'accept', args: [id] },
        { label: t.offer.buttons.details, style: 'secondary', command: 'offer', args: [id] },
        ...(offer.target
          ? [{ label: t.offer.buttons.decline, style: 'secondary', command: 'decline', args: [id] } satisfies ReplyButton]
          : []),
        ...(offer.counterTo !== null ? [counterButton(t, offer.id)] : []),
        { label: t.offer.buttons.cancel, style: 'danger', command: 'cancel', args: [id] },
      ]
    : [];
  return {
    title: t.offer.title(offer.id),
    text: lines.join('\n'),
    fields,
    buttons,
    visibility: 'public',
    tone: open ? 'info' : 'success',
    // A card with buttons must change when its offer does; one that shows an ending never changes
    // again. An offer in settlement may open again, so its card keeps following it.
    shows: open || offer.status === 'settling' ? { subject: { kind: 'offer', id: offer.id }, follows: true } : undefined,
  };
}
