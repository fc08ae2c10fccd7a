import { inject } from 'vitest';
import { parsePostgresUrl } from '../../src/main/platform/db/postgres-conninfo.js';
import { defineConformanceSuite } from './db-cases.js';

// The embedded PostgreSQL of the test run: this dialect always runs for real.
defineConformanceSuite('postgres', parsePostgresUrl(inject('pgAdminUrl')), '');
