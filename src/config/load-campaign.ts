/**
 * Load one campaign file: YAML → schema → semantic checks → frozen CampaignSpec.
 * Every problem is reported (not just the first), each at its file:line:col.
 */
import { dirname, resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import { isResult, RESULTS, type CampaignSpec } from '../domain/types.ts';
import { at, didYouMeanOrList, type ConfigError, type DocPath } from './config-error.ts';
import { checkCampaign } from './campaign-checks.ts';
import { parseRules } from './campaign-rules.ts';
import { readConfigText } from './read-config.ts';
import { normalizeCampaign } from './campaign-normalize.ts';
import { checkCampaignShape, type CampaignYaml } from './campaign-schema.ts';
import { sortAndDedupe, translateAjvErrors } from './schema-errors.ts';
import { parseYaml, type ParsedYaml } from './yaml-positions.ts';

export { formatConfigError, type ConfigError } from './config-error.ts';

export type CampaignLoadResult =
  | { ok: true; spec: CampaignSpec; warnings: ConfigError[] }
  | { ok: false; errors: ConfigError[] };

/**
 * Read and validate `path`. Never throws: a bad, missing, oversized (MAX_CONFIG_BYTES) or
 * unparsable file is an error in the result. `opts.trunks`, when given, are the trunk names
 * the daemon config defines.
 */
export async function loadCampaignFile(path: string, opts: { trunks?: string[] } = {}): Promise<CampaignLoadResult> {
  const file = resolve(path);
  const read = await readConfigText(file, path);
  if (!read.ok) return { ok: false, errors: [read.error] };
  try {
    return await loadCampaignText(read.text, path, file, opts);
  } catch (e) {
    // A bug or an input nobody foresaw: this file is rejected, the caller goes on with the others.
    return { ok: false, errors: [{ file: path, line: 1, col: 1, message: `cannot load: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` }] };
  }
}

/** As loadCampaignFile, for text already read; `displayName` is used in errors, `file` for relative paths. */
export async function loadCampaignText(text: string, displayName: string, file: string, opts: { trunks?: string[] } = {}): Promise<CampaignLoadResult> {
  const y = parseYaml(text, displayName);
  if (y.syntaxErrors.length > 0) return { ok: false, errors: y.syntaxErrors };
  const data = y.data;
  const shapeErrors = translateAjvErrors(checkCampaignShape(data), y, customizeCampaign);
  const rules = parseRules((data as { rules?: unknown } | null)?.rules, y);
  const semantic = await checkCampaign(data, y, { dir: dirname(file), trunks: opts.trunks });
  const errors = sortAndDedupe([...shapeErrors, ...rules.errors, ...semantic.errors]);
  if (errors.length > 0) return { ok: false, errors };
  const spec = normalizeCampaign(data as CampaignYaml, rules.rules, file, dirname(file));
  return { ok: true, spec, warnings: sortAndDedupe([...y.syntaxWarnings, ...semantic.warnings]) };
}

const RESULT_NAMES: readonly string[] = RESULTS;

/** Campaign-specific wording: result names in rules and causes; rule values are parsed by campaign-rules. */
function customizeCampaign(e: ErrorObject, path: DocPath, y: ParsedYaml): ConfigError | 'drop' | null {
  const [top, second] = path;
  if (top === 'rules' && path.length >= 2) return 'drop';
  if (top === 'rules' && e.keyword === 'additionalProperties') {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    return y.errorAt(['rules', key], 'key', `unknown result "${key}"${didYouMeanOrList(key, RESULT_NAMES)}`);
  }
  if (top === 'causes' && (second === 'sip' || second === 'q850')) {
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const what = second === 'sip' ? 'a SIP response code (100-699)' : 'a Q.850 cause code (0-127)';
      return y.errorAt(['causes', second, key], 'key', at(['causes', second], `"${key}" is not ${what}`), true);
    }
    if (e.keyword === 'enum' && path.length === 3) {
      const got = String(e.data);
      return isResult(got) ? null : y.errorAt(path, 'value', `unknown result "${got}"${didYouMeanOrList(got, RESULT_NAMES)}`);
    }
  }
  return null;
}
