/**
 * Limits against abuse (issue 13): what the rate limit costs each command. Every command a member
 * sends first counts against the market's rate limit (`core.takeCommandTurn`, one IMMEDIATE write
 * transaction: prune the member's window, count it, record the command), so it is paid by
 * every command, a read-only one too.
 *
 * - command: `/inventory` through the dispatcher (`executeText`), as an adapter runs it, limit
 *   check included; 200 members in turn, the clock moving 100 ms a command (each member's window
 *   holds a couple of commands, as in a busy market under the shipped 10 per 30 s);
 * - check: `takeCommandTurn` alone, the same way;
 * - refused: the check for a member past the limit, told already (what a flooder costs);
 * - ratio: the command with the check over the command without it (command / (command - check)).
 *
 * Command and check alternate in blocks so that drift on a shared machine hits both alike.
 */
import { performance } from 'node:perf_hooks';
import { executeText } from '../../commands/dispatch.js';
import inventory from '../../commands/inventory.js';
import { messagesFor } from '../../commands/messages/index.js';
import type { CommandContext } from '../../commands/definition.js';
import type { MemberRef } from '../../src/core/types.js';
import { openCore, seedMarket, tempDir } from '../fixtures.js';
import { median } from '../stats.js';

const MEMBERS = 200;
const BLOCK = 500;
const ROUNDS = 10;
const WARMUP = 1_000;

export interface LimitsResult {
  commandUs: number;
  checkUs: number;
  refusedUs: number;
  /** Command with the check / command without it. */
  ratio: number;
  samples: number;
}

export async function run(): Promise<LimitsResult> {
  const tmp = tempDir('limits');
  try {
    const bench = openCore(tmp.file('limits.db'));
    const { core, clock } = bench;
    const market = seedMarket(core, { owners: MEMBERS, takers: 1 });
    const marketRow = core.getMarket(market.marketId);
    if (!marketRow) throw new Error('bench market vanished');
    const t = messagesFor('en');
    const contextOf = (member: MemberRef): CommandContext => ({
      core,
      t,
      capabilities: { syntax: 'text', ephemeral: false, privateMarkets: true },
      market: marketRow,
      member,
      isAdmin: async () => false,
    });
    const contexts = market.owners.map(contextOf);
    let next = 0;
    const member = () => {
      next = (next + 1) % MEMBERS;
      clock.advance(100);
      return next;
    };
    const command = async () => {
      const result = await executeText(contexts[member()]!, inventory, '');
      if (result.limited) throw new Error('a bench member was rate limited');
    };
    const check = () => {
      if (!core.takeCommandTurn(market.marketId, market.owners[member()]!.id).ok) throw new Error('a bench member was rate limited');
    };

    for (let i = 0; i < WARMUP; i += 1) {
      await command();
      check();
    }
    const commandRounds: number[] = [];
    const checkRounds: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      let start = performance.now();
      for (let i = 0; i < BLOCK; i += 1) await command();
      commandRounds.push(((performance.now() - start) * 1000) / BLOCK);
      start = performance.now();
      for (let i = 0; i < BLOCK; i += 1) check();
      checkRounds.push(((performance.now() - start) * 1000) / BLOCK);
    }

    // A flooder: past the limit and told already; every further command is refused quietly.
    const flooder = market.takers[0]!;
    while (core.takeCommandTurn(market.marketId, flooder.id).ok);
    const start = performance.now();
    for (let i = 0; i < BLOCK * ROUNDS; i += 1) core.takeCommandTurn(market.marketId, flooder.id);
    const refusedUs = ((performance.now() - start) * 1000) / (BLOCK * ROUNDS);

    bench.db.close();
    const commandUs = median(commandRounds);
    const checkUs = median(checkRounds);
    return { commandUs, checkUs, refusedUs, ratio: commandUs / (commandUs - checkUs), samples: BLOCK * ROUNDS };
  } finally {
    tmp.cleanup();
  }
}
