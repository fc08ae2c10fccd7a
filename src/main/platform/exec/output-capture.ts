/** Collects a child's output up to a cap and decodes it. */
export const OUTPUT_CAP_BYTES = 4 * 1024 * 1024;

export class OutputCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;

  constructor(private readonly capBytes: number = OUTPUT_CAP_BYTES) {}

  push(chunk: Buffer): void {
    if (this.size >= this.capBytes) {
      this.truncated = true;
      return;
    }
    const room = this.capBytes - this.size;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    let bytes = Buffer.concat(this.chunks);
    if (this.truncated) bytes = bytes.subarray(0, utf8BoundaryBefore(bytes));
    const decoded = decodeConsoleOutput(bytes);
    return this.truncated ? `${decoded}\n[output truncated after ${this.capBytes} bytes]` : decoded;
  }
}

/**
 * UTF-8 when the bytes are valid UTF-8, else latin1. Windows console tools (sc.exe, reg.exe) write
 * in the console's OEM code page (437/850 on most servers); their output is ASCII except in
 * localised messages and names, where latin1 keeps every byte readable without a code-page table.
 */
export function decodeConsoleOutput(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** Length of `bytes` without a trailing, incomplete UTF-8 sequence (a cut made mid-character). */
function utf8BoundaryBefore(bytes: Buffer): number {
  let end = bytes.length;
  let continuation = 0;
  while (end > 0 && continuation < 3 && ((bytes[end - 1] ?? 0) & 0xc0) === 0x80) {
    end -= 1;
    continuation += 1;
  }
  if (end === 0) return bytes.length;
  const lead = bytes[end - 1] ?? 0;
  const needed = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  if (needed === 0) return bytes.length;
  return needed === continuation ? bytes.length : end - 1;
}
