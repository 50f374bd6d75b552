export { createAriAdapter, AMD_CONTEXT, type AriConfig, type AriDeps } from './adapter.ts';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
export { amdParamString, AMD_PARAM_ORDER } from './amd.ts';
