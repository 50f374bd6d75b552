/** Shared bits of the adapter-level e2e files (Asterisk and FreeSWITCH). */
import { createLogger, silentLogger } from '../../../src/lib/logger.ts';

export { dialRequest } from '../../helpers/dial-request.ts';

/** Silent unless E2E_LOG names a level. */
export const logger = process.env.E2E_LOG ? createLogger(process.env.E2E_LOG, { pretty: false }) : silentLogger();
