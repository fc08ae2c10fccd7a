import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretOnArgvError } from '../../src/main/platform/exec/argv-guard.js';
import { ExecStartError } from '../../src/main/platform/exec/child-process.js';
import { NodeExec } from '../../src/main/platform/exec/node-exec.js';
import { MASK } from '../../src/shared/redact.js';

const node = process.execPath;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'exec-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('NodeExec', () => {
  const exec = new NodeExec();

  it('runs a real program without a shell and returns its exit code, stdout and stderr', async () => {
    const result = await exec.run({
      program: node,
      args: [
        '-e',
        'process.stdout.write(process.argv[1]); process.stderr.write("err"); process.exit(3)',
        '$HOME; echo "quoted" | cat',
      ],
    });
    expect(result).toMatchObject({
      exitCode: 3,
      stdout: '$HOME; echo "quoted" | cat',
      stderr: 'err',
      timedOut: false,
    });
  });

  it('writes stdin and closes it, so a program reading to the end finishes', async () => {
    const input = 'line one\nsecond line ü\n'.repeat(1000);
    const result = await exec.run({
      program: node,
      args: [
        '-e',
        'let s="";process.stdin.setEncoding("utf8");process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(String(s.length)))',
      ],
      stdin: input,
    });
    expect(result.stdout).toBe(String(input.length));
  });

  it('gives the extra environment to that child only, on top of the parent environment', async () => {
    const result = await exec.run({
      program: node,
      args: [
        '-e',
        'process.stdout.write(JSON.stringify([process.env.BG_CHILD_ONLY, Boolean(process.env.PATH)]))',
      ],
      env: { BG_CHILD_ONLY: 'for-the-child' },
    });
    expect(JSON.parse(result.stdout)).toEqual(['for-the-child', true]);
    expect(process.env.BG_CHILD_ONLY).toBeUndefined();
  });

  it('refuses, before spawning, a request whose arguments contain a secret', async () => {
    const marker = path.join(scratch, 'spawned');
    const secret = 'S3cr3t-Pa55';
    const attempt = exec.run({
      program: node,
      args: ['-e', `require("fs").writeFileSync(${JSON.stringify(marker)}, "ran")`, `--password=${secret}`],
      secrets: [secret],
    });
    await expect(attempt).rejects.toBeInstanceOf(SecretOnArgvError);
    await expect(attempt).rejects.toThrow(/argument 3 contains a secret/);
    await attempt.catch((error: Error) => expect(error.message).not.toContain(secret));
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('masks secrets in what the program prints', async () => {
    const secret = 'Pa$$w0rd&<x>';
    const result = await exec.run({
      program: node,
      args: ['-e', 'console.log("pw=" + process.env.PW); console.error("again " + process.env.PW)'],
      env: { PW: secret },
      secrets: [secret],
    });
    expect(result.stdout).toBe(`pw=${MASK}\n`);
    expect(result.stderr).toBe(`again ${MASK}\n`);
  });

  it('kills the whole process tree on timeout', async () => {
    const pidFile = path.join(scratch, 'grandchild.pid');
    const script = `
      const { spawn } = require('child_process');
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
      setInterval(() => {}, 1000);`;
    const result = await exec.run({ program: node, args: ['-e', script], timeoutMs: 2500 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('SIGKILL');
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(await processGone(grandchild)).toBe(true);
  });

  it('caps captured output and says it truncated', async () => {
    const capped = new NodeExec({ outputCapBytes: 1024 });
    const result = await capped.run({
      program: node,
      args: ['-e', 'process.stdout.write("é".repeat(5000))'],
    });
    const [kept = '', note] = result.stdout.split('\n');
    expect(note).toBe('[output truncated after 1024 bytes]');
    // Cut on a character boundary: still valid UTF-8, never a replacement character.
    expect(kept).toBe('é'.repeat(512));
  });

  it('decodes UTF-8 when valid and falls back to latin1 for code-page output', async () => {
    const utf8 = await exec.run({
      program: node,
      args: ['-e', 'process.stdout.write(Buffer.from("Café €", "utf8"))'],
    });
    expect(utf8.stdout).toBe('Café €');
    const codePage = await exec.run({
      program: node,
      args: ['-e', 'process.stdout.write(Buffer.from([0x43,0x61,0x66,0xe9]))'],
    });
    expect(codePage.stdout).toBe('Café');
  });

  it('says clearly when a program cannot be started', async () => {
    await expect(exec.run({ program: 'breakglass-no-such-program', args: [] })).rejects.toBeInstanceOf(
      ExecStartError,
    );
    await expect(exec.run({ program: 'breakglass-no-such-program', args: [] })).rejects.toThrow(
      /Could not start breakglass-no-such-program: ENOENT/,
    );
  });
});

/** Gone, or a zombie waiting to be reaped (it no longer runs either way). */
async function processGone(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 40; attempt += 1) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z/.test(stat)) return true;
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
