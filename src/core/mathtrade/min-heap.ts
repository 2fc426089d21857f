/**
 * A binary min-heap of (key, value) pairs in growable typed arrays, for Dijkstra with lazy
 * deletion: a value may be pushed again with a smaller key and its stale entries skipped on pop.
 */
export class MinHeap {
  private keys = new Float64Array(64);
  private values = new Int32Array(64);
  private length = 0;

  clear(): void {
    this.length = 0;
  }

  isEmpty(): boolean {
    return this.length === 0;
  }

  push(key: number, value: number): void {
    if (this.length === this.keys.length) this.grow();
    let at = this.length++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const parentKey = this.keys[parent] as number;
      if (parentKey <= key) break;
      this.keys[at] = parentKey;
      this.values[at] = this.values[parent] as number;
      at = parent;
    }
    this.keys[at] = key;
    this.values[at] = value;
  }

  /** Removes the entry with the least key and returns its value. The heap must not be empty. */
  popValue(): number {
    const top = this.values[0] as number;
    const last = --this.length;
    const key = this.keys[last] as number;
    const value = this.values[last] as number;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= last) break;
      if (child + 1 < last && (this.keys[child + 1] as number) < (this.keys[child] as number)) child++;
      if ((this.keys[child] as number) >= key) break;
      this.keys[at] = this.keys[child] as number;
      this.values[at] = this.values[child] as number;
      at = child;
    }
    this.keys[at] = key;
    this.values[at] = value;
    return top;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const values = new Int32Array(this.values.length * 2);
    values.set(this.values);
    this.keys = keys;
    this.values = values;
  }
}
