import type { ExecRequest } from './types.js';

/** Thrown before anything is spawned when a secret would reach a command line (visible in the process list). */
export class SecretOnArgvError extends Error {
  constructor(program: string, position: string) {
    super(
      `Refusing to run ${program}: ${position} contains a secret, and a command line is visible to every user of this machine. ` +
        'Pass the value through stdin or the environment of that one program instead.',
    );
    this.name = 'SecretOnArgvError';
  }
}

/** Throws SecretOnArgvError when any of the request's secrets appears in its program or arguments. */
export function assertNoSecretOnArgv(request: Pick<ExecRequest, 'program' | 'args' | 'secrets'>): void {
  const secrets = (request.secrets ?? []).filter((secret) => secret.length > 0);
  if (secrets.length === 0) return;
  const programName = displayProgram(request.program);
  if (secrets.some((secret) => request.program.includes(secret)))
    throw new SecretOnArgvError(programName, 'the program path');
  request.args.forEach((arg, index) => {
    if (secrets.some((secret) => arg.includes(secret)))
      throw new SecretOnArgvError(programName, `argument ${index + 1}`);
  });
}

function displayProgram(program: string): string {
  return program.split(/[\\/]/).pop() || 'the program';
}
