import { dbSettingsFromUrl } from '../support/db-url.js';
import { defineConformanceSuite } from './db-cases.js';

// e.g. BREAKGLASS_TEST_MSSQL_URL='mssql://sa:Pa55word@127.0.0.1:1433/master?encrypt=true&trustServerCertificate=true'
const url = process.env.BREAKGLASS_TEST_MSSQL_URL;
defineConformanceSuite(
  'mssql',
  url ? dbSettingsFromUrl(url) : undefined,
  'BREAKGLASS_TEST_MSSQL_URL is not set, so no SQL Server was reached; set it to an admin login (mssql://user:password@host:port/database?encrypt=true&trustServerCertificate=true) to run these cases.',
);
