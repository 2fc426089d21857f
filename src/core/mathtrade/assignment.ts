/**
 * Minimum-cost perfect assignment on a sparse bipartite graph: every row gets exactly one column,
 * every column one row, and the sum of the chosen edges' costs is least.
 *
 * Shortest augmenting paths with dual potentials (the sparse Jonker-Volgenant scheme): each free
 * row runs a Dijkstra over reduced costs that stops at the first free column it reaches, so most
 * searches touch only a small neighbourhood. After a cheap first pass that gives each row its
 * cheapest column when that column is free. Costs must be integers below 2^53 in total, so that
 * every sum is exact.
 */
import { MinHeap } from './min-heap.js';

/** Edges of row i are `column[rowStart[i] .. rowStart[i+1])` with `cost` alongside. */
export interface AssignmentProblem {
  size: number;
  rowStart: Int32Array;
  column: Int32Array;
  cost: Float64Array;
}

interface Duals {
  row: Float64Array;
  column: Float64Array;
}

/**
 * Solves a problem and keeps its state, so that raising some edge costs afterwards re-solves from
 * the last assignment instead of from scratch. The problem must have a perfect assignment (each
 * row may keep its own column, say).
 */
export class AssignmentSolver {
  readonly columnOfRow: Int32Array;
  private readonly rowOfColumn: Int32Array;
  private readonly search: AugmentingSearch;

  constructor(private readonly problem: AssignmentProblem) {
    this.columnOfRow = new Int32Array(problem.size).fill(-1);
    this.rowOfColumn = new Int32Array(problem.size).fill(-1);
    const duals = initialDuals(problem);
    const freeRows = greedyFirstPass(problem, duals, this.columnOfRow, this.rowOfColumn);
    this.search = new AugmentingSearch(problem, duals, this.columnOfRow, this.rowOfColumn);
    for (const row of freeRows) this.search.augmentFrom(row);
  }

  /**
   * Raises the cost of `edge` (an edge of `row`) and re-solves. A raise keeps every reduced cost
   * non-negative; only a row whose assigned edge got dearer loses it and searches again.
   */
  raiseCosts(raises: readonly { row: number; edge: number; cost: number }[]): void {
    const freed: number[] = [];
    for (const { row, edge, cost } of raises) {
      if (cost < (this.problem.cost[edge] as number)) throw new RangeError('costs may only be raised');
      this.problem.cost[edge] = cost;
      const j = this.problem.column[edge] as number;
      if (this.columnOfRow[row] !== j) continue;
      this.columnOfRow[row] = -1;
      this.rowOfColumn[j] = -1;
      freed.push(row);
    }
    for (const row of freed) this.search.augmentFrom(row);
  }
}

/** Column duals start at each column's cheapest incoming edge, so every reduced cost is >= 0. */
function initialDuals({ size, rowStart, column, cost }: AssignmentProblem): Duals {
  const columnDual = new Float64Array(size).fill(Number.POSITIVE_INFINITY);
  for (let e = 0; e < (rowStart[size] as number); e++) {
    const j = column[e] as number;
    columnDual[j] = Math.min(columnDual[j] as number, cost[e] as number);
  }
  for (let j = 0; j < size; j++) if (columnDual[j] === Number.POSITIVE_INFINITY) throw new Error(`column ${j} has no edge: no perfect assignment`);
  return { row: new Float64Array(size), column: columnDual };
}

/** Raises each row's dual to its least reduced cost and takes that column if still free; returns the rows left. */
function greedyFirstPass(problem: AssignmentProblem, duals: Duals, columnOfRow: Int32Array, rowOfColumn: Int32Array): number[] {
  const { size, rowStart, column, cost } = problem;
  const free: number[] = [];
  for (let i = 0; i < size; i++) {
    let best = -1;
    let bestReduced = Number.POSITIVE_INFINITY;
    for (let e = rowStart[i] as number; e < (rowStart[i + 1] as number); e++) {
      const j = column[e] as number;
      const reduced = (cost[e] as number) - (duals.column[j] as number);
      if (reduced < bestReduced || (reduced === bestReduced && rowOfColumn[j] === -1 && rowOfColumn[best] !== -1)) {
        bestReduced = reduced;
        best = j;
      }
    }
    if (best === -1) throw new Error(`row ${i} has no edge: no perfect assignment`);
    duals.row[i] = bestReduced;
    if (rowOfColumn[best] === -1) {
      columnOfRow[i] = best;
      rowOfColumn[best] = i;
    } else {
      free.push(i);
    }
  }
  return free;
}

/**
 * One Dijkstra per free row over reduced costs `cost - rowDual - columnDual`, which the duals keep
 * non-negative (and zero on assigned edges). Arrays are allocated once and reset through stamps.
 */
class AugmentingSearch {
  private readonly distance: Float64Array;
  private readonly reachedFrom: Int32Array;
  private readonly seenStamp: Int32Array;
  private readonly doneStamp: Int32Array;
  private readonly rowDistance: Float64Array;
  private readonly heap = new MinHeap();
  private readonly doneColumns: number[] = [];
  private readonly doneRows: number[] = [];
  private stamp = 0;

  constructor(
    private readonly problem: AssignmentProblem,
    private readonly duals: Duals,
    private readonly columnOfRow: Int32Array,
    private readonly rowOfColumn: Int32Array,
  ) {
    const { size } = problem;
    this.distance = new Float64Array(size);
    this.reachedFrom = new Int32Array(size);
    this.seenStamp = new Int32Array(size);
    this.doneStamp = new Int32Array(size);
    this.rowDistance = new Float64Array(size);
  }

  augmentFrom(start: number): void {
    this.stamp++;
    this.heap.clear();
    this.doneColumns.length = 0;
    this.doneRows.length = 0;
    this.scanRow(start, 0);
    for (;;) {
      if (this.heap.isEmpty()) throw new Error('no augmenting path: the problem has no perfect assignment');
      const j = this.heap.popValue();
      if (this.doneStamp[j] === this.stamp) continue; // a stale heap entry
      this.doneStamp[j] = this.stamp;
      this.doneColumns.push(j);
      const d = this.distance[j] as number;
      const owner = this.rowOfColumn[j] as number;
      if (owner === -1) {
        this.updateDuals(d);
        this.flipPath(start, j);
        return;
      }
      this.scanRow(owner, d);
    }
  }

  private scanRow(row: number, rowDistance: number): void {
    const { rowStart, column, cost } = this.problem;
    this.rowDistance[row] = rowDistance;
    this.doneRows.push(row);
    const base = rowDistance - (this.duals.row[row] as number);
    for (let e = rowStart[row] as number; e < (rowStart[row + 1] as number); e++) {
      const j = column[e] as number;
      if (this.doneStamp[j] === this.stamp) continue;
      const candidate = base + (cost[e] as number) - (this.duals.column[j] as number);
      if (this.seenStamp[j] !== this.stamp || candidate < (this.distance[j] as number)) {
        this.seenStamp[j] = this.stamp;
        this.distance[j] = candidate;
        this.reachedFrom[j] = row;
        this.heap.push(candidate, j);
      }
    }
  }

  /** Shifts the duals of everything settled before the free column, keeping reduced costs >= 0. */
  private updateDuals(pathLength: number): void {
    for (const row of this.doneRows) this.duals.row[row] = (this.duals.row[row] as number) + pathLength - (this.rowDistance[row] as number);
    for (const j of this.doneColumns) this.duals.column[j] = (this.duals.column[j] as number) - (pathLength - (this.distance[j] as number));
  }

  private flipPath(start: number, freeColumn: number): void {
    let j = freeColumn;
    for (;;) {
      const row = this.reachedFrom[j] as number;
      const previous = this.columnOfRow[row] as number;
      this.columnOfRow[row] = j;
      this.rowOfColumn[j] = row;
      if (row === start) return;
      j = previous;
    }
  }
}
