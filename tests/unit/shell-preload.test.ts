import fs from 'node:fs';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelNames, eventNames } from '../../src/shared/ipc.js';
import { EVENT_IPC, INVOKE_IPC } from '../../src/shared/transport-wire.js';
import { ensureBuilt } from './shell-build.js';

/**
 * Runs the built preload (out/preload/index.cjs) the way a sandboxed renderer does: a CommonJS
 * script whose `require('electron')` gives contextBridge and ipcRenderer, here recording ones.
 */
function loadPreload() {
  const exposed = new Map<string, Record<string, (...args: never[]) => unknown>>();
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: Record<string, (...args: never[]) => unknown>) =>
        exposed.set(key, api),
    },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => (invoked.push(args), { ok: true, value: 'answered' }),
      on: (name: string, listener: (...args: unknown[]) => void) =>
        listeners.set(name, (listeners.get(name) ?? new Set()).add(listener)),
      removeListener: (name: string, listener: (...args: unknown[]) => void) =>
        listeners.get(name)?.delete(listener),
    },
  };
  const requested: string[] = [];
  const require = (name: string) => {
    requested.push(name);
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${name}`);
  };
  const module = { exports: {} };
  vm.runInNewContext(fs.readFileSync('out/preload/index.cjs', 'utf8'), {
    require,
    module,
    exports: module.exports,
    console,
  });
  const emit = (message: unknown) => listeners.get(EVENT_IPC)?.forEach((listener) => listener({}, message));
  return { exposed, invoked, listeners, requested, emit };
}

describe('preload bridge (built)', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('needs nothing but electron and exposes exactly invoke and on as window.breakglass', () => {
    const { exposed, requested } = loadPreload();
    expect([...new Set(requested)]).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['breakglass']);
    expect(Object.keys(exposed.get('breakglass') ?? {}).sort()).toEqual(['invoke', 'on']);
  });

  it('passes contract channels to main on the one invoke IPC and refuses others without calling main', async () => {
    const { exposed, invoked } = loadPreload();
    const api = exposed.get('breakglass') as unknown as {
      invoke(channel: string, request: unknown): Promise<unknown>;
    };
    for (const channel of channelNames)
      expect(await api.invoke(channel, { a: 1 })).toEqual({ ok: true, value: 'answered' });
    expect(invoked).toEqual(channelNames.map((channel) => [INVOKE_IPC, channel, { a: 1 }]));
    expect(await api.invoke('fs.readFile', {})).toMatchObject({ ok: false, code: 'unknown-channel' });
    expect(invoked).toHaveLength(channelNames.length);
  });

  it('delivers only the subscribed contract event, and unsubscribes', () => {
    const { exposed, emit, listeners } = loadPreload();
    const api = exposed.get('breakglass') as unknown as {
      on(event: string, listener: (payload: unknown) => void): () => void;
    };
    const received: unknown[] = [];
    const stop = api.on(eventNames[0] ?? 'run.event', (payload) => received.push(payload));
    api.on('app.secrets', () => received.push('must not happen'));
    emit({ event: 'run.event', payload: { n: 1 } });
    emit({ event: 'other', payload: { n: 2 } });
    expect(received).toEqual([{ n: 1 }]);
    stop();
    emit({ event: 'run.event', payload: { n: 3 } });
    expect(received).toEqual([{ n: 1 }]);
    expect(listeners.get(EVENT_IPC)?.size).toBe(0);
  });
});
