import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  collectSecrets,
  secretFieldPatterns,
  withSecrets,
  withoutSecrets,
} from '../../src/main/engine/input-secrets.js';
import { createVerifier, matchesVerifier } from '../../src/main/engine/secret-verifier.js';
import { InputError } from '../../src/main/engine/types.js';
import { validateInputs } from '../../src/main/engine/validate-inputs.js';
import { isRunId, newRunId } from '../../src/main/engine/run-id.js';

const schema = z.object({
  user: z.string().min(1),
  password: z.string().meta({ secret: true }),
  accounts: z
    .array(z.object({ name: z.string(), token: z.string().meta({ secret: true }).optional() }))
    .default([]),
  mode: z.enum(['fast', 'safe']).default('safe'),
});

describe('secret inputs', () => {
  it('finds secret fields from the schema, including inside arrays, and moves their values out and back', () => {
    expect(secretFieldPatterns(schema)).toEqual([['password'], ['accounts', '*', 'token']]);
    const inputs = {
      user: 'sa',
      password: 'p@ss\'"w0rd',
      accounts: [{ name: 'a', token: 'tok-1' }, { name: 'b' }],
    };
    const secrets = collectSecrets(inputs, secretFieldPatterns(schema));
    expect(secrets).toEqual([
      { field: 'password', value: 'p@ss\'"w0rd' },
      { field: 'accounts.0.token', value: 'tok-1' },
    ]);
    const stripped = withoutSecrets(inputs, secretFieldPatterns(schema));
    expect(JSON.stringify(stripped)).not.toMatch(/p@ss|tok-1/);
    expect(withSecrets(stripped, secrets)).toEqual(inputs);
  });

  it('verifies a re-entered secret against its salted scrypt verifier', () => {
    const verifier = createVerifier('correct horse');
    expect(JSON.stringify(verifier)).not.toContain('correct horse');
    expect(createVerifier('correct horse').salt).not.toBe(verifier.salt);
    expect(matchesVerifier('correct horse', verifier)).toBe(true);
    expect(matchesVerifier('correct horsE', verifier)).toBe(false);
  });
});

describe('input validation', () => {
  const failure = (raw: unknown) => {
    try {
      validateInputs(schema, raw);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return error as InputError;
    }
    throw new Error('accepted');
  };

  it('names the field and the fix', () => {
    expect(failure({ password: 'x' })).toMatchObject({
      field: 'user',
      message: expect.stringMatching(/^user: .*Fix: provide this field/),
    });
    expect(failure({ user: 'a', password: 'x', mode: 'reckless' }).message).toMatch(
      /^mode: .*Fix: use one of "fast", "safe"/,
    );
    expect(failure({ user: 'a', password: 'x', accounts: [{ name: 3 }] }).field).toBe('accounts.0.name');
    expect(failure('not an object').field).toBe('inputs');
  });

  it('returns parsed values with defaults', () => {
    expect(validateInputs(schema, { user: 'a', password: 'x' })).toEqual({
      user: 'a',
      password: 'x',
      accounts: [],
      mode: 'safe',
    });
  });
});

describe('run ids', () => {
  it('sort by time and reject anything path-like', () => {
    const early = newRunId(new Date('2026-01-01T00:00:00Z'));
    const late = newRunId(new Date('2026-01-02T00:00:00Z'));
    expect([late, early].sort()).toEqual([early, late]);
    expect(isRunId(early)).toBe(true);
    expect(isRunId('../etc')).toBe(false);
    expect(isRunId(`${early}/..`)).toBe(false);
  });
});
