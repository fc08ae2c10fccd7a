/**
 * Serves the built renderer's files by URL path, for the web host and the Electron app scheme
 * alike: only regular files inside the root (no `..`, no encoded escapes, no symlinks out).
 */
import fs from 'node:fs/promises';
import path from 'node:path';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

export function mimeTypeFor(filePath: string): string {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/** The file a URL path names inside `rootDir`, or undefined when it is outside, missing or not a regular file. */
export async function readStaticFile(rootDir: string, urlPath: string): Promise<StaticFile | undefined> {
  const filePath = await resolveStaticPath(rootDir, urlPath);
  if (!filePath) return undefined;
  return { body: await fs.readFile(filePath), contentType: mimeTypeFor(filePath) };
}

export async function resolveStaticPath(rootDir: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split(/[?#]/, 1)[0] ?? '');
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const relative = decoded === '' || decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const root = await fs.realpath(rootDir).catch(() => undefined);
  if (!root) return undefined;
  const candidate = path.resolve(root, `.${path.posix.normalize(`/${relative}`)}`);
  if (!isInside(root, candidate)) return undefined;
  const real = await fs.realpath(candidate).catch(() => undefined);
  if (!real || !isInside(root, real)) return undefined;
  const stat = await fs.stat(real);
  return stat.isFile() ? real : undefined;
}

function isInside(root: string, candidate: string): boolean {
  return candidate.startsWith(root + path.sep);
}
