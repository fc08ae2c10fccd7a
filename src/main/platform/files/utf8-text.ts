import { UnreadableFileError } from './read-regular-file.js';

/**
 * A text file's bytes as UTF-8: a UTF-8 BOM is dropped, a UTF-16 or UTF-32 one (what PowerShell 5
 * and Notepad's "Unicode" write) and bytes that are not UTF-8 are refused, saying how to save it.
 */
export function decodeUtf8Text(bytes: Buffer, filePath: string): string {
  if (
    startsWith(bytes, [0xff, 0xfe]) ||
    startsWith(bytes, [0xfe, 0xff]) ||
    startsWith(bytes, [0, 0, 0xfe, 0xff])
  )
    throw new UnreadableFileError(
      filePath,
      'encoding',
      `${filePath} is saved as UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8 (in PowerShell: Set-Content -Encoding utf8, or Out-File -Encoding utf8).`,
    );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UnreadableFileError(
      filePath,
      'encoding',
      `${filePath} is not valid UTF-8 text; save it as UTF-8.`,
    );
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function startsWith(bytes: Buffer, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}
