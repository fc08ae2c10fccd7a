/** Failures of the HTTP adapter. Messages name the host, never a header, body or secret. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly kind:
      | 'secret-in-url'
      | 'bad-url'
      | 'insecure-refused'
      | 'tls'
      | 'timeout'
      | 'aborted'
      | 'too-large'
      | 'unreachable',
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export class SecretInUrlError extends HttpError {
  constructor(where: string) {
    super(
      `Refusing to send the request: its URL (${where}) contains a secret, and URLs end up in server and proxy logs. ` +
        'Send tokens and passwords in a header or the body instead.',
      'secret-in-url',
    );
    this.name = 'SecretInUrlError';
  }
}
