/** Why a service could not be controlled, in words an admin can act on. */
export type ServiceControlFailure = 'access-denied' | 'missing' | 'timeout' | 'disabled' | 'failed';

export class ServiceControlError extends Error {
  constructor(
    readonly service: string,
    readonly failure: ServiceControlFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceControlError';
  }
}
