/**
 * powershellRemoteHost against a real Windows front-end, from a Windows controller whose
 * powershell.exe reaches it by name (a domain, Kerberos, an elevated admin). Runs when
 * BREAKGLASS_TEST_WINRM_HOST names that front-end, and skips visibly otherwise.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NodeExec } from '../../src/main/platform/exec/node-exec.js';
import { powershellRemoteHost } from '../../src/main/platform/remoting/remote-host.js';

const computerName = process.env.BREAKGLASS_TEST_WINRM_HOST;
if (!computerName)
  console.log(
    '[conformance:powershell-remoting] skipped: BREAKGLASS_TEST_WINRM_HOST is not set, so no front-end was reached; on a Windows controller, set it to a domain server name that PowerShell remoting reaches to run these cases.',
  );

describe('PowerShell remoting conformance', () => {
  const host = () => powershellRemoteHost({ exec: new NodeExec(), computerName: computerName ?? '' });
  const folder = `C:\\Windows\\Temp\\breakglass-conformance-${randomBytes(4).toString('hex')}`;

  it.skipIf(!computerName)('opens a session: Opened, Available', async () => {
    await expect(host().probe()).resolves.toEqual({ state: 'Opened', availability: 'Available' });
  });

  it.skipIf(!computerName)('lists preferred IPv4 addresses', async () => {
    const addresses = await host().addresses();
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(address).toMatch(/^\d{1,3}(\.\d{1,3}){3}$/);
  });

  it.skipIf(!computerName)(
    'copies a file there (creating its folder) and back, byte for byte',
    async () => {
      const bytes = Buffer.concat([Buffer.from('<x>é ☃</x>\r\n'), randomBytes(64)]);
      const file = `${folder}\\it's [a] file.hsconf`;
      await host().files.write(file, bytes);
      await expect(host().files.read(file, 4096)).resolves.toEqual(bytes);
      await host().files.write(file, Buffer.from('replaced'));
      await expect(host().files.read(file, 4096)).resolves.toEqual(Buffer.from('replaced'));
      await expect(host().files.read(`${folder}\\missing.txt`, 4096)).resolves.toBeUndefined();
      await host().exec.run({ program: 'cmd.exe', args: ['/c', 'rmdir', '/s', '/q', folder] });
    },
    120_000,
  );

  it.skipIf(!computerName)(
    'runs a program there and returns its exit code and output',
    async () => {
      const result = await host().exec.run({
        program: 'cmd.exe',
        args: ['/c', 'echo out& echo err 1>&2& exit 3'],
      });
      expect(result.exitCode).toBe(3);
      expect(result.stdout).toContain('out');
      expect(result.stderr).toContain('err');
    },
    60_000,
  );

  it.skipIf(!computerName)(
    'reads service states (WinRM runs, since we came through it)',
    async () => {
      const services = await host().services.list('WinRM');
      expect(services).toContainEqual(expect.objectContaining({ name: 'WinRM', state: 'running' }));
      await expect(host().services.status('Breakglass-No-Such-Service')).resolves.toMatchObject({
        state: 'missing',
      });
    },
    60_000,
  );
});
