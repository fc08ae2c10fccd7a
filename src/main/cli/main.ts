/** The `breakglass` entry (built to out/main/cli.js; bin/breakglass.js imports it). */
import { runCli } from './run-cli.js';

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
// Exit explicitly once output is flushed, so that nothing left open (a pool, a socket) holds the process.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
