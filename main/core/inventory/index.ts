export { type CachedInventory, entryForContext, readCachedInventory } from './cached.ts';
export { formatAge } from './format.ts';
export { CLUSTERS_JSON_VERSION, type ClusterJson, type ClustersJson, toClustersJson } from './json.ts';
export {
  type CatalogSourceState,
  type CloudflareSourceState,
  type CloudflareSourceStatus,
  DEFAULT_CACHE_MAX_AGE_MS,
  hasSomeSource,
  type Inventory,
  type LoadInventoryOptions,
  loadInventory,
  resolveUserPath,
} from './load.ts';
export { heldBackNotes, type SetupSources, setupSources, type UnreadSource } from './setup-sources.ts';
