/**
 * A Kubernetes namespace name (an RFC 1123 label): what `kubezt use -n`, the app's namespace
 * edit and the dashboard's namespace cell accept. Dependency-free, so the core checks it without
 * loading the IPC schemas, and the renderer reads it through ipc/contract.ts.
 */
export const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
