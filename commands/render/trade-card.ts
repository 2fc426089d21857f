/**
 * The card of one trade: who gives what, its state, and the buttons for the next step. A card
 * follows its trade while it is in settlement (the trigger of migration 0012 marks it stale on
 * every step), so it is rendered without knowing who looks at it: then it carries the next step
 * of each side, each labelled with the step, and a press by the other side is refused in a
 * sentence. Shown to one party (`viewerId`), it carries only theirs.
 */
import type { Clock, TradeView } from '../../src/core/types.js';
import type { Reply, ReplyButton } from '../definition.js';
import { itemList, type Messages } from '../messages/index.js';

/** The buttons each side may press in the trade's state. */
export function settlementButtons(t: Messages, trade: Pick<TradeView, 'id' | 'status' | 'confirmedAt'>): { owner: ReplyButton[]; taker: ReplyButton[] } {
  const id = String(trade.id);
  const button = (label: string, style: ReplyButton['style'], command: string): ReplyButton => ({ label, style, command, args: [id] });
  const withdraw = button(t.trade.buttons.withdraw, 'danger', 'withdraw');
  if (trade.status === 'pending') {
    return { owner: [button(t.trade.buttons.acceptTaker, 'success', 'confirm'), button(t.trade.buttons.reject, 'secondary', 'reject')], taker: [withdraw] };
  }
  if (trade.status !== 'processing') return { owner: [], taker: [] };
  if (trade.confirmedAt === null) return { owner: [button(t.trade.buttons.handover, 'success', 'confirm'), withdraw], taker: [withdraw] };
  return { owner: [], taker: [button(t.trade.buttons.receipt, 'success', 'confirm')] };
}

export function tradeCard(t: Messages, clock: Clock, trade: TradeView, viewerId?: number): Reply {
  const live = trade.status === 'pending' || trade.status === 'processing';
  const fields = [
    trade.offerId === null ? { name: t.events.tradeEntry, value: `#${trade.eventEntryId}` } : { name: t.trade.offer, value: `#${trade.offerId}` },
    { name: t.trade.owner, value: trade.owner.displayName },
    { name: t.trade.taker, value: trade.taker.displayName },
    { name: t.trade.ownerGives, value: itemList(trade.ownerGave) },
    { name: t.trade.takerGives, value: itemList(trade.takerGave) },
  ];
  if (live && trade.dueAt !== null) fields.push({ name: t.trade.due, value: t.trade.dueIn(trade.dueAt - clock()) });

  const { owner, taker } = settlementButtons(t, trade);
  const forViewer = viewerId === trade.owner.id ? owner : viewerId === trade.taker.id ? taker : undefined;
  // Unknown viewer: every side's next step, each once (withdraw may be both sides').
  const buttons = forViewer ?? [...owner, ...taker.filter((b) => !owner.some((o) => o.command === b.command))];
  return {
    title: t.trade.title(trade.id),
    text: t.trade.state(trade.status, trade.confirmedAt !== null, trade.cancelReason),
    fields,
    buttons,
    visibility: 'private',
    tone: live ? 'info' : 'success',
    shows: live ? { subject: { kind: 'trade', id: trade.id }, follows: true } : undefined,
  };
}
