import { dbSettingsFromUrl } from '../support/db-url.js';
import { defineConformanceSuite } from './db-cases.js';

// e.g. BREAKGLASS_TEST_ORACLE_URL='oracle://system:Pa55word@127.0.0.1:1521/FREEPDB1'
const url = process.env.BREAKGLASS_TEST_ORACLE_URL;
defineConformanceSuite(
  'oracle',
  url ? dbSettingsFromUrl(url) : undefined,
  'BREAKGLASS_TEST_ORACLE_URL is not set, so no Oracle database was reached; set it to an admin user (oracle://user:password@host:1521/service) to run these cases.',
);
