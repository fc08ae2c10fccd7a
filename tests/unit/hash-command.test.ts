// `breakglass hash` through its real entry point, with real streams and real files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { hashCommand } from '../../src/main/cli/commands/hash.js';
import type { CliIo } from '../../src/main/cli/io.js';
import { hashOutSystemsPassword, verifyOutSystemsPassword } from '../../src/main/systems/outsystems/hash.js';
import { verifySynapsePassword } from '../../src/main/systems/synapse/hash.js';
import { verifyAuthgearPassword } from '../../src/main/systems/authgear/hash.js';
import { verifySysReptorPassword } from '../../src/main/systems/sysreptor/hash.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}

async function run(args: string[], stdin: string | Buffer | CliIo['stdin']): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const input =
    typeof stdin === 'string' || Buffer.isBuffer(stdin) ? Readable.from([Buffer.from(stdin)]) : stdin;
  const code = await hashCommand(args, { stdin: input, stdout, stderr, env: {}, cwd: process.cwd() });
  return { code, stdout: out(), stderr: err() };
}

const SECRET = 'Pa$$ w0rd\'"<&>;--/*é';

describe('breakglass hash <scheme>', () => {
  it('prints only the hash, reading the password from stdin less one trailing newline', async () => {
    const result = await run(['outsystems'], `${SECRET}\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\$1\$\S{44}[0-9A-F]{128}\n$/);
    expect(verifyOutSystemsPassword(SECRET, result.stdout.trim())).toBe(true);
    expect(result.stderr).toBe('');
  });

  it('keeps all but one trailing newline (CRLF counts as one)', async () => {
    const result = await run(['outsystems'], 'pw\n\r\n');
    expect(verifyOutSystemsPassword('pw\n', result.stdout.trim())).toBe(true);
  });

  it('synapse takes --rounds and --pepper-file (one trailing newline of the file ignored)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-hash-'));
    const pepperFile = path.join(dir, 'pepper');
    fs.writeFileSync(pepperFile, 'pep-per\n');
    const result = await run(['synapse', '--rounds', '5', `--pepper-file=${pepperFile}`], SECRET);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\$2b\$05\$/);
    expect(await verifySynapsePassword(SECRET, result.stdout.trim(), { pepper: 'pep-per' })).toBe(true);
    expect(await verifySynapsePassword(SECRET, result.stdout.trim())).toBe(false);
    fs.rmSync(dir, { recursive: true });
  });

  it.each([
    ['django-pbkdf2', ['--rounds', '1000'], /^pbkdf2_sha256\$1000\$/],
    ['django-argon2', [], /^argon2\$argon2id\$v=19\$m=102400,t=2,p=8\$/],
    ['authgear', [], /^\$bcrypt-sha512\$\$2a\$10\$/],
  ])('%s makes a value that verifies', async (scheme, extra, shape) => {
    const result = await run([scheme, ...extra], SECRET);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(shape);
    const stored = result.stdout.trim();
    const verified =
      scheme === 'authgear'
        ? await verifyAuthgearPassword(SECRET, stored)
        : await verifySysReptorPassword(SECRET, stored);
    expect(verified).toBe(true);
  });

  it('refuses an empty or whitespace-only password with exit 2 and writes no hash', async () => {
    for (const input of ['', '\n', '   \n']) {
      const result = await run(['authgear'], input);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/password/);
    }
  });

  it('never takes a password from argv, and does not echo the stray argument', async () => {
    const result = await run(['synapse', 'hunter2-on-argv'], 'pw');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/never from the command line/);
    expect(result.stderr).not.toContain('hunter2-on-argv');
    const unknown = await run(['hunter2-as-scheme'], 'pw');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toContain('hunter2-as-scheme');
  });

  it('refuses options a scheme does not take, bad rounds, a missing pepper file and non-UTF-8 input', async () => {
    expect((await run(['outsystems', '--rounds', '10'], 'pw')).stderr).toMatch(
      /outsystems takes no --rounds/,
    );
    expect((await run(['authgear', '--pepper-file', '/nonexistent'], 'pw')).code).toBe(2);
    expect((await run(['synapse', '--rounds', '99'], 'pw')).stderr).toMatch(
      /rounds must be a whole number from 4 to 31/,
    );
    expect((await run(['synapse', '--pepper-file', '/nonexistent/pepper'], 'pw')).stderr).toMatch(
      /cannot read \/nonexistent\/pepper \(ENOENT\)/,
    );
    const latin1 = await run(['outsystems'], Buffer.from([0x70, 0xe9, 0x0a]));
    expect(latin1.code).toBe(2);
    expect(latin1.stderr).toMatch(/not valid UTF-8/);
  });

  it('prompts without echo on a terminal', async () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[] });
    const tty = Object.assign(terminal, { setRawMode: (mode: boolean) => terminal.rawModes.push(mode) });
    const pending = run(['outsystems'], tty);
    setTimeout(() => tty.write('ab\u007fc\r'), 20);
    const result = await pending;
    expect(result.code).toBe(0);
    expect(tty.rawModes).toEqual([true, false]);
    expect(result.stderr).toBe('New password: \n');
    expect(verifyOutSystemsPassword('ac', result.stdout.trim())).toBe(true);
  });
});

describe('breakglass hash --verify <scheme>', () => {
  it('exits 0 on a match and 1 on a mismatch, printing nothing on stdout', async () => {
    const stored = hashOutSystemsPassword(SECRET);
    const match = await run(['--verify', 'outsystems'], `${SECRET}\n${stored}\n`);
    expect(match).toMatchObject({ code: 0, stdout: '' });
    const mismatch = await run(['--verify', 'outsystems'], `wrong\n${stored}`);
    expect(mismatch).toMatchObject({ code: 1, stdout: '' });
  });

  it('verifies legacy OutSystems MD5 values and says they are legacy', async () => {
    // MD5 over UTF-16LE("admin" + "cdjnes3h4w"), from the independent vectors.
    const vectors = JSON.parse(
      fs.readFileSync(new URL('../fixtures/hash-vectors/vectors.json', import.meta.url), 'utf8'),
    ) as {
      outsystemsLegacy: Array<{ password: string; expected: string }>;
    };
    const legacy = vectors.outsystemsLegacy[0]!;
    const match = await run(['--verify', 'outsystems'], `${legacy.password}\r\n${legacy.expected}\r\n`);
    expect(match.code).toBe(0);
    expect(match.stderr).toMatch(/legacy OutSystems MD5/);
    expect((await run(['--verify', 'outsystems'], `nope\n${legacy.expected}`)).code).toBe(1);
  });

  it('exits 2 for a stored value of the wrong format, a missing line or extra lines, without echoing the password', async () => {
    const stored = hashOutSystemsPassword('pw');
    const cases = [
      `${SECRET}\n${stored.toLowerCase()}`,
      `${SECRET}\n`,
      `${SECRET}\n${stored}\nextra`,
      `${SECRET}\n ${stored}`,
    ];
    for (const input of cases) {
      const result = await run(['--verify', 'outsystems'], input);
      expect(result.code).toBe(2);
      expect(result.stderr).not.toContain(SECRET);
    }
  });

  it('verifies synapse values with the pepper file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-hash-'));
    fs.writeFileSync(path.join(dir, 'pepper'), 'pep');
    const made = await run(['synapse', '--rounds', '4', '--pepper-file', path.join(dir, 'pepper')], 'pw');
    expect(
      (await run(['--verify', 'synapse', '--pepper-file', path.join(dir, 'pepper')], `pw\n${made.stdout}`))
        .code,
    ).toBe(0);
    expect((await run(['--verify', 'synapse'], `pw\n${made.stdout}`)).code).toBe(1);
    fs.rmSync(dir, { recursive: true });
  });
});
