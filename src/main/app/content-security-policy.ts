/** The CSP lives in `host/content-security-policy.ts` (no Electron); this re-export keeps `electron.vite.config.ts` building until it imports that file directly. */
export { contentSecurityPolicy, metaContentSecurityPolicy } from '../host/content-security-policy.js';
