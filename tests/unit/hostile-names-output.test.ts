/** The shared name rule in every product that takes a typed name, and names shown escaped on the terminal. */
import { describe, expect, it } from 'vitest';
import { renderEvent, renderPlan, renderRuns } from '../../src/main/cli/render.js';
import { InputError } from '../../src/main/engine/types.js';
import { validateInputs } from '../../src/main/engine/validate-inputs.js';
import { loginNameProblem, nameMatchWarning, showName } from '../../src/main/platform/text/login-name.js';
import { systems } from '../../src/main/systems/index.js';
import type { PlanView, RunEvent, RunSummary } from '../../src/shared/procedure.js';

const procedure = (id: string) => {
  const found = systems.flatMap((system) => system.procedures).find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no procedure ${id}`);
  return found;
};

const LOOK_ALIKES = [
  'admin\u00a0',
  '\ufeffadmin',
  'ad\u200bmin',
  'admin\u2007',
  'ad\u00admin',
  'admin\u202e',
  'a\u0000b',
];

describe('the login-name rule', () => {
  it.each(LOOK_ALIKES.map((name) => [JSON.stringify(name), name]))('refuses %s', (_shown, name) => {
    expect(loginNameProblem(name)).toMatch(/\(U\+[0-9A-F]{4}\) at position \d+/);
  });

  it('accepts letters of any script, and ASCII spaces inside', () => {
    for (const name of ['admin', 'ADMİN', 'josé.dev', 'Jane Doe', 'ユーザー', 'user@example.org'])
      expect(loginNameProblem(name)).toBeUndefined();
  });

  it.each([
    [
      'outsystems.reset-admin-password',
      (name: string) => ({ username: name, newPassword: 'Sunny-Field-42' }),
      'username',
    ],
    [
      'outsystems.reset-admin-password',
      (name: string) => ({
        newPassword: 'Sunny-Field-42',
        database: { source: 'manual', provider: 'SqlServer', server: 'db', user: name, password: 'pw' },
      }),
      'database.user',
    ],
    [
      'sysreptor.reset-password',
      (name: string) => ({ username: name, newPassword: 'Sunny-Field-42-long' }),
      'username',
    ],
    [
      'authgear.reset-password',
      (name: string) => ({ loginId: name, newPassword: 'Sunny-Field-42-long' }),
      'loginId',
    ],
    [
      'synapse.reset-password',
      (name: string) => ({ user: name, newPassword: 'Sunny-Field-42-long' }),
      'user',
    ],
  ] as const)('%s refuses look-alikes in its name field', (id, inputs, field) => {
    for (const name of LOOK_ALIKES) {
      const result = (() => {
        try {
          validateInputs(procedure(id).inputs, inputs(name));
          return undefined;
        } catch (error) {
          return error;
        }
      })();
      expect(result, JSON.stringify(name)).toBeInstanceOf(InputError);
      expect((result as InputError).field).toBe(field);
    }
  });

  it('warns when the row is not named exactly as typed, naming the code points', () => {
    expect(nameMatchWarning('admin', 'admin')).toBeUndefined();
    expect(nameMatchWarning('ADMİN', 'admin')).toMatch(
      /named "admin", not exactly "ADMİN" \(non-ASCII: U\+0130\)/,
    );
    expect(showName('x\u001b[31m\r\n')).toBe('"x\\x1b[31m\\r\\n"');
  });
});

describe('terminal output', () => {
  const EVIL = 'admin\u001b[2J\r\nStatus: ok\u202e';
  const plan: PlanView = {
    planId: 'p',
    procedureId: 'x.y',
    title: 'T',
    environment: 'sandbox',
    target: `t:${EVIL}`,
    facts: [{ label: `User ${EVIL}`, value: EVIL, status: 'warn' }],
    warnings: [EVIL],
    steps: [
      {
        id: 's',
        kind: 'change',
        title: `Reset ${EVIL}`,
        description: {
          summary: EVIL,
          details: [],
          sql: [{ dialect: 'postgres', text: `SELECT 1\nFROM t WHERE u = '${EVIL}'` }],
          instructions: [],
          warnings: [],
        },
        undoable: true,
      },
    ],
  } as unknown as PlanView;

  it('renderPlan shows escape sequences, CR/LF and bidi controls escaped; SQL keeps its own lines', () => {
    const text = renderPlan(plan);
    expect(['\u001b', '\r', '\u202e'].filter((character) => text.includes(character))).toEqual([]);
    expect(text).not.toMatch(/^Status: ok/m);
    expect(text).toContain('admin\\x1b[2J\\r\\nStatus: ok\\u202e');
    expect(text).toMatch(/SQL \(postgres\): SELECT 1\n {7}FROM t WHERE/);
  });

  it('run events and the runs list are escaped too', () => {
    const event = {
      type: 'log',
      line: EVIL,
      run: { steps: [], phases: [] },
    } as unknown as RunEvent;
    expect(renderEvent(event)).toBe('    admin\\x1b[2J\n    Status: ok\\u202e\n');
    const runs = renderRuns([
      {
        runId: 'r1',
        state: 'failed',
        procedureId: 'x.y',
        user: EVIL,
        host: 'h',
        startedAt: 't',
      } as RunSummary,
    ]);
    expect(runs.includes('\u001b') || runs.includes('\r')).toBe(false);
    // The header and one row: the user's CR/LF did not split the row.
    expect(runs.split('\n').filter(Boolean)).toHaveLength(2);
  });
});
