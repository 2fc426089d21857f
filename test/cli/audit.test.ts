// `npm run audit` as an operator runs it: a child process over the database file.
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

const run = promisify(execFile);
const audit = (databasePath: string) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/audit.ts'], { env: { ...process.env, DATABASE_PATH: databasePath }, cwd: process.cwd() }).then(
    (out) => ({ code: 0, ...out }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

let t: TestMarket;
afterEach(() => t.cleanup());

/** A market where alice holds 7 apples and has 3 more in escrow on an offer. */
function tradedMarket() {
  t = createTestMarket();
  const admin = t.member('admin');
  const alice = t.member('alice');
  unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 10])));
  unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 3]), want: items(['pear', 1]) }));
  return { alice };
}

describe('npm run audit', () => {
  it('passes a sound database with exit code 0', async () => {
    tradedMarket();
    const result = await audit(t.path);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('apple: granted 10 - revoked 0 = 10; held 7 + escrow 3 = 10');
    expect(result.stdout).toContain('OK: every item is accounted for.');
  });

  it('names an inventory changed behind the ledger’s back and exits 1', async () => {
    const { alice } = tradedMarket();
    t.db.sqlite
      .prepare("UPDATE inventories SET quantity = quantity + 2 WHERE member_id = ? AND item_id = (SELECT id FROM items WHERE slug = 'apple')")
      .run(alice.id);
    const result = await audit(t.path);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/inventory of member \d+ \(alice\), item \d+ \(apple\): the ledger gives 7, the table holds 9/);
    expect(result.stdout).toMatch(/market \d+, item \d+ \(apple\): granted - revoked = 10, but inventories \+ escrow = 12/);
    expect(result.stdout).not.toContain('OK');
  });

  it('refuses a path with no database, exit code 2, and creates nothing there', async () => {
    t = createTestMarket();
    const missing = join(t.dir, 'nowhere', 'trade.db');
    const result = await audit(missing);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`There is no database at ${missing}; set DATABASE_PATH to the bot's database file and run the audit again.`);
    expect(result.stdout).not.toContain('OK');
    expect(existsSync(join(t.dir, 'nowhere'))).toBe(false);
  });

  it('refuses a file that is not a Trading post database, exit code 2', async () => {
    t = createTestMarket();
    const stranger = join(t.dir, 'notes.txt');
    writeFileSync(stranger, '');
    const result = await audit(stranger);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${stranger} is not a Trading post database`);
  });
});
