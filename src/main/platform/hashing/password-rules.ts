/** Rules every offline hash function applies to a password before hashing it. */

/** Bad password input: the message names the field and the fix, and never contains the password. */
export class PasswordInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'PasswordInputError';
  }
}

/** Refuses an empty or whitespace-only new password: nobody can tell it apart from a missing one. */
export function assertNewPassword(password: string, field = 'password'): void {
  if (typeof password !== 'string' || password.length === 0) {
    throw new PasswordInputError(
      field,
      `The ${field} is empty. Type or paste the new password (it must contain at least one non-space character).`,
    );
  }
  if (password.trim().length === 0) {
    throw new PasswordInputError(
      field,
      `The ${field} consists only of whitespace. Choose a password with at least one visible character.`,
    );
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces each lone surrogate by U+FFFD, as .NET's UTF-16 and UTF-8 encoders do (JavaScript's Buffer keeps them). */
export function replaceLoneSurrogates(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

export function hasLoneSurrogate(text: string): boolean {
  return new RegExp(LONE_SURROGATE.source).test(text);
}

/**
 * Refuses a lone surrogate for systems written in Python (Synapse, Django): Python cannot encode
 * such a string to UTF-8, so nobody could ever log in with it.
 */
export function assertEncodableAsUtf8(password: string, field = 'password'): void {
  if (hasLoneSurrogate(password)) {
    throw new PasswordInputError(
      field,
      `The ${field} contains an unpaired UTF-16 surrogate, which cannot be encoded as UTF-8. Remove that character.`,
    );
  }
}
