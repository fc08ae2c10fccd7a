/**
 * The one Content-Security-Policy for the wizard: only the app's own origin, no inline script,
 * no remote anything. The web host adds its own WebSocket URL to connect-src.
 */
export function contentSecurityPolicy(options: { connectSources?: string[] } = {}): string {
  const connect = ["'self'", ...(options.connectSources ?? [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
