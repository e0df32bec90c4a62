/**
 * The team catalog (SPEC: Cluster discovery → Catalog file). Parsing is strict on purpose: a
 * typo in a file many people share must fail loudly with the file, line and key, never produce a
 * context that half works.
 */
export { CatalogError, type CatalogIssue, suggest } from './errors.ts';
export { CATALOG_KEYS, DEFAULT_EXEC_API_VERSION, DEFAULT_PORT } from './keys.ts';
export { type LoadCatalogOptions, loadCatalog, type ParseCatalogOptions, parseCatalog } from './parse.ts';
