/**
 * Look-alike user names against the OutSystems sandbox: `admin` + NBSP, a BOM before it, a ZWSP in
 * it are refused before any lookup; `ADMİN` (U+0130) no longer finds `admin`; a row found under a
 * name not exactly the one typed (`Admin` → `admin`) is a plan warning and a run log line.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/main/engine/types.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';
import { ossysUsers } from '../support/outsystems-sandbox.js';

const PROCEDURE = 'outsystems.reset-admin-password';
const NEW_PASSWORD = 'Quiet-Harbor-7731';
const { fresh: engine } = practiceEngines('hostile-names-');

describe('look-alike user names (OutSystems sandbox)', () => {
  it.each([
    ['admin + no-break space', 'admin\u00a0', /no-break space \(U\+00A0\) at position 6/],
    ['a BOM before admin', '\ufeffadmin', /byte order mark \(BOM\) \(U\+FEFF\) at position 1/],
    ['a zero-width space inside', 'ad\u200bmin', /zero-width space \(U\+200B\)/],
    ['an ideographic space after', 'admin\u3000', /ideographic space/],
    ['an escape sequence', 'admin\u001b[2J', /escape character/],
    ['a CR/LF', 'admin\r\nStatus: ok', /carriage return/],
  ])('%s is refused naming username, and nothing is looked up', async (_what, username, message) => {
    const e = engine('refused');
    const before = await ossysUsers(e);
    const error = await e
      .plan(PROCEDURE, { tenants: 'it-users', username, newPassword: NEW_PASSWORD }, 'sandbox')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe('username');
    expect((error as InputError).message).toMatch(message);
    expect(await ossysUsers(e)).toEqual(before);
  });

  it('ASCII spaces around the name are trimmed, and the exact row is found without a warning', async () => {
    const prepared = await engine('trim').plan(
      PROCEDURE,
      { tenants: 'it-users', username: '  admin\t', newPassword: NEW_PASSWORD },
      'sandbox',
    );
    expect(prepared.view.warnings.join('\n')).not.toMatch(/not exactly/);
    expect(prepared.view.facts.find((fact) => fact.label.startsWith('User "admin"'))?.status).toBe('ok');
  });

  it('ADMİN (U+0130) does not find admin, and the reset changes nothing', async () => {
    const e = engine('dotted');
    const before = await ossysUsers(e);
    const prepared = await e.plan(
      PROCEDURE,
      { tenants: 'it-users', username: 'ADMİN', newPassword: NEW_PASSWORD },
      'sandbox',
    );
    const fact = prepared.view.facts.find((candidate) => candidate.label.startsWith('User "ADMİN"'));
    expect(fact?.label).toContain('(non-ASCII: U+0130)');
    expect(fact?.value).toBe('not found');
    const view = await e.start(prepared, scriptedHooks({ failure: 'cancel' })).done;
    expect(view.state).not.toBe('succeeded');
    expect(await ossysUsers(e)).toEqual(before);
  });

  it('a row matched under another spelling (Admin → admin) is a warning in the plan and in the run log', async () => {
    const e = engine('case');
    const prepared = await e.plan(
      PROCEDURE,
      { tenants: 'it-users', username: 'Admin', newPassword: NEW_PASSWORD },
      'sandbox',
    );
    expect(prepared.view.warnings.join('\n')).toMatch(
      /The user found is named "admin", not exactly "Admin" as typed/,
    );
    expect(prepared.view.facts.find((fact) => fact.label.startsWith('User "Admin"'))?.status).toBe('warn');
    const hooks = scriptedHooks();
    const view = await e.start(prepared, hooks).done;
    expect(view.state).toBe('succeeded');
    const logs = hooks.events.filter((event) => event.type === 'log').map((event) => event.line);
    expect(logs.join('\n')).toMatch(/named "admin", not exactly "Admin"/);
  });
});
