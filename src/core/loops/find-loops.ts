/**
 * Finding loops through one offer, and choosing among loops that compete for the same offers.
 * Pure functions over a {@link LoopGraph}: no database, no clock.
 */
import { covers, type Loop, type LoopGraph, type LoopOffer } from './loop-graph.js';

export const MIN_LOOP = 2;
export const MAX_LOOP = 4;

/**
 * Above this many loops sharing offers, the choice among them is greedy (longest and oldest first)
 * instead of exact: the exact search tries every compatible subset.
 */
const EXACT_CHOICE_LIMIT = 16;

/**
 * Every loop of 2 to 4 offers through `anchor`, each as the offers in cycle order starting with
 * the anchor. A loop never has one owner twice: an owner would be trading with themselves, as
 * an accept of one's own offer would. Forward and backward neighbours meet in the
 * middle, so a 4-loop costs the successors of the anchor's successors, never three levels deep.
 */
export function loopsThrough(graph: LoopGraph, anchor: LoopOffer): LoopOffer[][] {
  const joins = (offer: LoopOffer, ...already: LoopOffer[]) =>
    offer.id !== anchor.id && offer.ownerId !== anchor.ownerId && already.every((other) => other.id !== offer.id && other.ownerId !== offer.ownerId);
  const forward = graph.successors(anchor).filter((offer) => joins(offer));
  if (forward.length === 0) return [];
  const backward = graph.predecessors(anchor).filter((offer) => joins(offer));
  if (backward.length === 0) return [];

  const loops: LoopOffer[][] = [];
  const givesBack = new Set(backward.map((offer) => offer.id));
  for (const second of forward) if (givesBack.has(second.id)) loops.push([anchor, second]);
  for (const second of forward) {
    for (const last of backward) if (joins(last, second) && covers(second.give, last.want)) loops.push([anchor, second, last]);
  }
  for (const second of forward) {
    for (const third of graph.successors(second)) {
      if (!joins(third, second)) continue;
      for (const last of backward) if (joins(last, second, third) && covers(third.give, last.want)) loops.push([anchor, second, third, last]);
    }
  }
  return loops;
}

/** Longer loops first (they complete more offers), then the one whose offers are oldest. */
function compareLoops(a: Loop, b: Loop): number {
  if (a.length !== b.length) return b.length - a.length;
  const ids = (loop: Loop) => loop.map((offer) => offer.id).sort((x, y) => x - y);
  const [x, y] = [ids(a), ids(b)];
  for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return 0;
}

const disjoint = (loop: Loop, used: ReadonlySet<number>) => loop.every((offer) => !used.has(offer.id));

/** Groups loops that share an offer, directly or through others: only loops of one group compete. */
function competingGroups(loops: readonly Loop[]): Loop[][] {
  const parent = loops.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i] as number)));
  const firstWith = new Map<number, number>();
  loops.forEach((loop, i) => {
    for (const offer of loop) {
      const other = firstWith.get(offer.id);
      if (other === undefined) firstWith.set(offer.id, i);
      else parent[root(i)] = root(other);
    }
  });
  const groups = new Map<number, Loop[]>();
  loops.forEach((loop, i) => {
    const group = groups.get(root(i));
    if (group) group.push(loop);
    else groups.set(root(i), [loop]);
  });
  return [...groups.values()];
}

/**
 * The best set of loops without a shared offer among `sorted` (in {@link compareLoops} order):
 * most offers completed, then most loops (so shorter ones), then the first found, i.e. oldest.
 */
function bestPacking(sorted: readonly Loop[]): Loop[] {
  let best: Loop[] = [];
  let bestOffers = 0;
  const chosen: Loop[] = [];
  const used = new Set<number>();
  const remaining = sorted.map((_, i) => sorted.slice(i).reduce((sum, loop) => sum + loop.length, 0));
  const visit = (i: number, offers: number) => {
    const better = offers > bestOffers || (offers === bestOffers && chosen.length > best.length);
    if (better) [best, bestOffers] = [[...chosen], offers];
    if (i === sorted.length || offers + (remaining[i] as number) < bestOffers) return;
    const loop = sorted[i] as Loop;
    if (disjoint(loop, used)) {
      chosen.push(loop);
      for (const offer of loop) used.add(offer.id);
      visit(i + 1, offers + loop.length);
      for (const offer of loop) used.delete(offer.id);
      chosen.pop();
    }
    visit(i + 1, offers);
  };
  visit(0, 0);
  return best;
}

function greedyPacking(sorted: readonly Loop[]): Loop[] {
  const used = new Set<number>();
  return sorted.filter((loop) => disjoint(loop, used) && (loop.forEach((offer) => used.add(offer.id)), true));
}

/**
 * Chooses which of `loops` to execute when they compete for offers: the choice that completes the
 * most offers; among equal ones, more (so shorter) loops; then the oldest offers. Exact for groups
 * of up to {@link EXACT_CHOICE_LIMIT} competing loops, greedy beyond.
 */
export function chooseLoops(loops: readonly Loop[]): Loop[] {
  return competingGroups(loops).flatMap((group) => {
    const sorted = [...group].sort(compareLoops);
    return sorted.length <= EXACT_CHOICE_LIMIT ? bestPacking(sorted) : greedyPacking(sorted);
  });
}
