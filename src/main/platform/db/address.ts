/** Host and port checks shared by every dialect's settings parser. */
import { DbInputError } from './errors.js';

const HOST_NAME =
  /^(?:\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+|[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)$/;

export function checkHost(host: string, field: string): void {
  if (!HOST_NAME.test(host))
    throw new DbInputError(field, `The host in ${field} is not a valid host name or IP address.`);
}

export function parsePort(text: string, field: string): number {
  const port = /^[0-9]{1,5}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(port >= 1 && port <= 65535))
    throw new DbInputError(field, `The port in ${field} must be a number from 1 to 65535.`);
  return port;
}
