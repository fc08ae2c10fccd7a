import type { Transport } from '../../shared/ipc.js';

declare global {
  interface Window {
    /** Set by the preload bridge in Electron; absent in a browser. */
    breakglass?: Transport;
  }
}

export function electronTransport(): Transport | undefined {
  return window.breakglass;
}
