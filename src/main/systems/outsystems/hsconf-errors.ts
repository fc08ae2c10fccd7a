/** A server.hsconf problem; the message names the fix. Nothing was written when this is thrown. */
export class HsConfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HsConfError';
  }
}
