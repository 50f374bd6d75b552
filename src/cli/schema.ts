/**
 * `dialerd schema [--daemon]`: the JSON Schema of a campaign file, or of the daemon config
 * (schema/campaign.schema.json and schema/dialerd.schema.json are this output, committed; a test
 * keeps them equal).
 */
import { campaignJsonSchema } from '../config/campaign-schema.ts';
import { DaemonSchema } from '../config/daemon-schema.ts';

/** The JSON Schema document written to schema/dialerd.schema.json. */
export function daemonJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...JSON.parse(JSON.stringify(DaemonSchema)),
  };
}

/** The JSON text of schema/campaign.schema.json (or, with `daemon`, schema/dialerd.schema.json), newline-terminated. */
export function schemaCommand(which: 'campaign' | 'daemon' = 'campaign'): string {
  return `${JSON.stringify(which === 'daemon' ? daemonJsonSchema() : campaignJsonSchema(), null, 2)}\n`;
}
