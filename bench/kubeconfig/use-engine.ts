// `kubezt use NAME` through the engine, invoked as its own process exactly like the CLI would be,
// for when the CLI's `use` command is not wired yet. argv: NAME; KUBECONFIG from the environment.
import { homedir } from 'node:os';
import { resolveKubeconfigFiles } from '../../main/core/kubeconfig/io.ts';
import { switchKubeconfigContext } from '../../main/core/kubeconfig/switch.ts';

const name = process.argv[2] ?? '';
const paths = resolveKubeconfigFiles({ env: process.env.KUBECONFIG ?? '', homeDir: homedir(), cwd: process.cwd() });
const result = await switchKubeconfigContext({ paths, name });
process.stdout.write(`Switched to context "${result.context}".\n`);
