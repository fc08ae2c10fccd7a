/**
 * Issue 16: `breakglass hash` reaches the password schemes through the system registry
 * (SystemModule.passwordSchemes), not by importing each product's hash file.
 */
import { describe, expect, it } from 'vitest';
import { passwordSchemes } from '../../src/main/cli/commands/hash.js';
import type { SystemModule } from '../../src/main/engine/types.js';
import { systems } from '../../src/main/systems/index.js';

describe('password schemes from the registry', () => {
  it('holds each product’s schemes under the product that defines them', () => {
    const owner = Object.fromEntries(
      systems.flatMap((system) => Object.keys(system.passwordSchemes ?? {}).map((name) => [name, system.id])),
    );
    expect(owner).toEqual({
      outsystems: 'outsystems',
      synapse: 'synapse',
      'django-pbkdf2': 'sysreptor',
      'django-argon2': 'sysreptor',
      authgear: 'authgear',
    });
    expect(Object.keys(passwordSchemes(systems)).sort()).toEqual(Object.keys(owner).sort());
  });

  it('a new product’s scheme is picked up without touching the CLI; a name used twice is refused', () => {
    const next: SystemModule = {
      id: 'next',
      title: 'Next product',
      procedures: [],
      passwordSchemes: {
        next: {
          options: {},
          hash: (password) => Promise.resolve(`next:${password.length}`),
          inspect: (stored) => ({ recognised: stored.startsWith('next:') }),
          verify: (password, stored) => Promise.resolve(stored === `next:${password.length}`),
        },
      },
    };
    expect(Object.keys(passwordSchemes([...systems, next]))).toContain('next');
    expect(() => passwordSchemes([next, next])).toThrow(/Two systems define the password scheme "next"/);
  });
});
