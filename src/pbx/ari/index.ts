export { createAriAdapter, type AriConfig, type AriDeps } from './adapter.ts';
export { amdParamString, AMD_PARAM_ORDER } from './amd.ts';
