/**
 * `dialerd schema`: the campaign JSON Schema (schema/campaign.schema.json is this output, committed;
 * a test keeps them equal).
 */
import { campaignJsonSchema } from '../config/campaign-schema.ts';

/** The JSON text of schema/campaign.schema.json, newline-terminated. */
export function schemaCommand(): string {
  return `${JSON.stringify(campaignJsonSchema(), null, 2)}\n`;
}
