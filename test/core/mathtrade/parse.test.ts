// The want-list parser on the public files and on the mistakes people make in them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWantList } from '../../../src/core/mathtrade/parse.js';
import type { WantList } from '../../../src/core/mathtrade/want-list.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/mathtrade/${name}`, import.meta.url), 'utf8');

function parsed(text: string): WantList {
  const result = parseWantList(text);
  if (!result.ok) throw new Error(`unexpected parse error: line ${result.error.line}: ${result.error.message}`);
  return result.wantList;
}

function errorOf(text: string) {
  const result = parseWantList(text);
  if (result.ok) throw new Error('expected a parse error');
  return result.error;
}

describe('parseWantList on the public files', () => {
  it('reads ask.txt: 597 items without users or colons', () => {
    const list = parsed(fixture('ask.txt'));
    expect(list.entries).toHaveLength(597);
    expect(list.entries[0]).toMatchObject({ name: '001-MED', owner: null, isDummy: false, wants: [['586-HOL', '483-ALA', '264-SAM', '413-SAM', '010-GIG']] });
    expect(list.warnings).toEqual([]);
  });

  it('reads xmas.txt: 1044 items', () => {
    expect(parsed(fixture('xmas.txt')).entries).toHaveLength(1044);
  });

  it('reads onewant.txt: its options, users, colons and 617 dummies', () => {
    const list = parsed(fixture('onewant.txt'));
    expect(list.options).toEqual(['ALLOW-DUMMIES', 'REQUIRE-COLONS', 'REQUIRE-USERNAMES']);
    expect(list.entries.filter((entry) => entry.isDummy)).toHaveLength(617);
    expect(list.entries.filter((entry) => !entry.isDummy)).toHaveLength(1146);
    expect(list.entries[0]).toMatchObject({ name: '1108-STAND', owner: '7INCHSPLIT', wants: [['0369-WILDW', '0032-SWORD', '0214-SROME', '0412-BREAK']] });
  });
});

describe('parseWantList on hand-written lines', () => {
  it('splits wants into rank groups at semicolons and upper-cases names', () => {
    const list = parsed('(alice) a1 : b1 c1 ; d1;e1\n');
    expect(list.entries[0]).toEqual({ name: 'A1', owner: 'ALICE', isDummy: false, wants: [['B1', 'C1'], ['D1'], ['E1']], line: 1 });
  });

  it('keeps usernames with spaces, skips comments and reads the official-names block', () => {
    const list = parsed('# a comment\n!BEGIN-OFFICIAL-NAMES\nA1 : the first\nB1\n!END-OFFICIAL-NAMES\n(big bob) B1 A1\n');
    expect(list.officialNames).toEqual(new Set(['A1', 'B1']));
    expect(list.entries).toEqual([{ name: 'B1', owner: 'BIG BOB', isDummy: false, wants: [['A1']], line: 6 }]);
  });

  it('names options it does not implement in a warning instead of ignoring them silently', () => {
    const list = parsed('#! ALLOW-DUMMIES ITERATIONS=100 SHOW-MISSING FROBNICATE\nA B\n');
    expect(list.options).toEqual(['ALLOW-DUMMIES', 'ITERATIONS=100', 'SHOW-MISSING', 'FROBNICATE']);
    expect(list.warnings).toHaveLength(3);
    expect(list.warnings[0]).toContain('option ITERATIONS=100 (line 1) is not implemented');
    expect(list.warnings[1]).toContain('option SHOW-MISSING (line 1) is not implemented');
    expect(list.warnings[2]).toContain('option FROBNICATE (line 1) is unknown');
  });

  it.each([
    ['#! REQUIRE-COLONS\nA B C\n', 2, 'expected a colon'],
    ['#! REQUIRE-USERNAMES\nA : B\n', 2, 'expected a username in parentheses'],
    ['A : B : C\n', 1, 'expected one colon per line'],
    ['A B : C\n', 1, 'expected exactly one item before the colon'],
    ['A ; B : C\n', 1, 'expected the colon before any semicolon'],
    ['(alice A : B\n', 1, "expected ')' closing the username"],
    ['A (alice) B\n', 1, 'expected a username in parentheses only at the start'],
    ['() A : B\n', 1, 'expected a username between the parentheses'],
    ['(alice) %D : A\n', 1, 'expected the option ALLOW-DUMMIES'],
    ['#! ALLOW-DUMMIES\n%D : A\n', 2, 'expected a username before the dummy item %D'],
    ['A B # why\n', 1, 'expected a comment (#) only at the start of a line'],
    ['A B\n#! ALLOW-DUMMIES\n', 2, 'expected options (#!) before the first want list'],
    ['!BEGIN-OFFICIAL-NAMES\nA\n', 2, 'expected !END-OFFICIAL-NAMES'],
    ['!END-OFFICIAL-NAMES\n', 1, 'expected !BEGIN-OFFICIAL-NAMES'],
    ['A B=3\n', 1, 'explicit priorities are not implemented'],
  ])('rejects %j at line %i: %s', (text, line, expected) => {
    const error = errorOf(text);
    expect(error.line).toBe(line);
    expect(error.message).toContain(expected);
  });
});
