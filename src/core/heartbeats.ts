/** Liveness of the bot processes, written by each and read by the container health check. */
import { heartbeats } from '../db/schema.js';
import type { CoreContext } from './context.js';

export interface Heartbeat {
  process: string;
  platforms: Record<string, boolean>;
  updatedAt: number;
}

export function createHeartbeats({ db, clock }: CoreContext) {
  return {
    /** Records that `process` is alive and which of its platform connections are up. */
    beat(process: string, platforms: Record<string, boolean>): void {
      const row = { process, platforms: JSON.stringify(platforms), updatedAt: clock() };
      db.writeTransaction(() => db.orm.insert(heartbeats).values(row).onConflictDoUpdate({ target: heartbeats.process, set: row }).run());
    },
    /** Every process's last heartbeat. */
    heartbeats(): Heartbeat[] {
      return db.orm
        .select()
        .from(heartbeats)
        .all()
        .map((row) => ({ ...row, platforms: JSON.parse(row.platforms) as Record<string, boolean> }));
    },
  };
}
