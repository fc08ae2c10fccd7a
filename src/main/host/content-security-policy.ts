/**
 * The one Content-Security-Policy for the wizard: only the app's own origin, no inline script,
 * no remote anything. The web host adds its own WebSocket URL to connect-src.
 */
export function contentSecurityPolicy(options: { connectSources?: string[] } = {}): string {
  return [...metaDirectives(options.connectSources ?? []), "frame-ancestors 'none'"].join('; ');
}

/**
 * The same policy for the page's own <meta> tag (injected at build time), so it holds even where no
 * header is sent. frame-ancestors is header-only. Chromium's 'self' covers ws:// on the same host and port.
 */
export function metaContentSecurityPolicy(): string {
  return metaDirectives([]).join('; ');
}

function metaDirectives(connectSources: string[]): string[] {
  const connect = ["'self'", ...connectSources].join(' ');
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
    "object-src 'none'",
  ];
}
