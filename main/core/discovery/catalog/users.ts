import { resolve as resolvePath } from 'node:path';
import { isMap, isSeq, type Node } from 'yaml';
import { shown } from '../../message-text.ts';
import type { ExecSpec } from '../../model/cluster.ts';
import {
  DEFAULT_EXEC_API_VERSION,
  ENV_KEYS,
  ENV_NAME_RE,
  EXEC_API_VERSIONS,
  EXEC_KEYS,
  INTERACTIVE_MODES,
  USER_KEYS,
} from './keys.ts';
import type { CatalogReader, KeyedNode, RawUser, Where } from './reader.ts';

/* The credentials a catalog entry names: an existing user, exec, token, tokenFile or a client certificate. */

export function readUser(r: CatalogReader, pair: KeyedNode, outer: Where): RawUser | undefined {
  const node = r.resolve(pair.value);
  const where = { in: `in the user ${outer.in.replace(/^in /, 'of ')}` };
  const kinds = 'existing, exec, token, tokenFile or clientCertificate + clientKey';
  if (!isMap(node)) {
    r.issue(pair.value ?? pair.key, 'user', `"user" ${outer.in} must be a mapping with one of ${kinds}`);
    return undefined;
  }
  const keys = r.keysOf(node, USER_KEYS, where);
  const present = USER_KEYS.filter((k) => keys.has(k));
  const groups = new Set(present.map((k) => (k === 'clientKey' ? 'clientCertificate' : k)));
  if (groups.size === 0) {
    // An unknown key (a typo of one of these) has been reported already; only an empty map is left.
    if (node.items.length === 0) r.issue(node, 'user', `"user" ${outer.in} needs one of ${kinds}`);
    return undefined;
  }
  if (groups.size > 1) {
    const [a, b] = [...groups];
    const second = keys.get(b as string);
    r.issue(second?.key ?? node, b, `"user" ${outer.in} has both "${a}" and "${b}"; keep only one way to log in`);
    return undefined;
  }
  const [kind] = groups;
  switch (kind) {
    case 'existing': {
      const name = r.readString(keys.get('existing') as KeyedNode, where);
      return name === undefined ? undefined : { spec: { kind: 'existing', name } };
    }
    case 'token': {
      const tokenPair = keys.get('token') as KeyedNode;
      // Never echo the value: it is a credential.
      const token = r.readString(tokenPair, where, { secret: true });
      if (token === undefined) return undefined;
      if (/\s/.test(token)) {
        r.issue(tokenPair.value, 'token', `token ${where.in} must be one line without spaces`);
        return undefined;
      }
      return { spec: { kind: 'token', token } };
    }
    case 'tokenFile': {
      const p = r.readString(keys.get('tokenFile') as KeyedNode, where);
      return p === undefined ? undefined : { spec: { kind: 'tokenFile', tokenFile: resolvePath(r.baseDir, p) } };
    }
    case 'clientCertificate': {
      const cert = keys.get('clientCertificate');
      const key = keys.get('clientKey');
      if (!cert || !key) {
        const [have, missing] = cert ? ['clientCertificate', 'clientKey'] : ['clientKey', 'clientCertificate'];
        r.issue((cert ?? key)?.key ?? node, missing, `"${have}" ${where.in} needs "${missing}" next to it`);
        return undefined;
      }
      const c = r.readString(cert, where);
      const k = r.readString(key, where);
      if (c === undefined || k === undefined) return undefined;
      return {
        spec: {
          kind: 'clientCertificate',
          clientCertificate: resolvePath(r.baseDir, c),
          clientKey: resolvePath(r.baseDir, k),
        },
      };
    }
    case 'exec': {
      const exec = readExec(r, keys.get('exec') as KeyedNode, outer);
      return exec ? { spec: { kind: 'exec', exec } } : undefined;
    }
  }
  return undefined;
}

export function readExec(r: CatalogReader, pair: KeyedNode, outer: Where): ExecSpec | undefined {
  const node = r.resolve(pair.value);
  const where = { in: `in the exec user ${outer.in.replace(/^in /, 'of ')}` };
  const outerUser = `in the user ${outer.in.replace(/^in /, 'of ')}`;
  if (!isMap(node)) {
    r.issue(pair.value ?? pair.key, 'exec', `"exec" ${outerUser} must be a mapping with at least "command"`);
    return undefined;
  }
  const before = r.issues.length;
  const keys = r.keysOf(node, EXEC_KEYS, where);
  const commandPair = keys.get('command');
  if (!commandPair) {
    r.issue(node, 'command', `"exec" ${outerUser} has no "command"; add the plugin to run, e.g. command: kubelogin`);
  }
  const command = commandPair ? r.readString(commandPair, where) : undefined;

  let apiVersion = DEFAULT_EXEC_API_VERSION;
  const apiPair = keys.get('apiVersion');
  if (apiPair) {
    const v = r.readString(apiPair, where);
    if (v !== undefined && !EXEC_API_VERSIONS.includes(v)) {
      r.issue(
        apiPair.value,
        'apiVersion',
        `apiVersion "${shown(v)}" ${where.in} is not supported; use ${EXEC_API_VERSIONS.join(' or ')}`,
      );
    } else if (v !== undefined) {
      apiVersion = v;
    }
  }
  const exec: ExecSpec = { apiVersion, command: command ?? '' };

  const argsPair = keys.get('args');
  if (argsPair) {
    const seq = r.resolve(argsPair.value);
    if (!isSeq(seq)) {
      r.issue(argsPair.value ?? argsPair.key, 'args', `"args" ${where.in} must be a list of strings`);
    } else {
      const args: string[] = [];
      for (const item of seq.items) {
        const s = r.scalarString(item as Node, 'args', where, { allowEmpty: true });
        if (s !== undefined) args.push(s);
      }
      exec.args = args;
    }
  }

  const envPair = keys.get('env');
  if (envPair) {
    const seq = r.resolve(envPair.value);
    if (!isSeq(seq)) {
      r.issue(envPair.value ?? envPair.key, 'env', `"env" ${where.in} must be a list of "- name: …, value: …" entries`);
    } else {
      const env: { name: string; value: string }[] = [];
      for (const item of seq.items) {
        const m = r.resolve(item as Node);
        if (!isMap(m)) {
          r.issue(item as Node, 'env', `each "env" entry ${where.in} must be a mapping with "name" and "value"`);
          continue;
        }
        const envWhere = { in: `in an env entry ${where.in.replace(/^in /, 'of ')}` };
        const ek = r.keysOf(m, ENV_KEYS, envWhere);
        const n = ek.get('name');
        const v = ek.get('value');
        if (!n || !v) {
          r.issue(
            m,
            n ? 'value' : 'name',
            `an "env" entry ${where.in} has no "${n ? 'value' : 'name'}"; give both name and value`,
          );
          continue;
        }
        const name = r.readString(n, envWhere);
        // Env values often hold secrets: never echo them; an empty value is legitimate.
        const value = r.readString(v, envWhere, { secret: true, allowEmpty: true });
        if (name !== undefined && !ENV_NAME_RE.test(name)) {
          r.issue(n.value, 'name', `env name "${shown(name)}" ${where.in} is not a valid variable name`);
          continue;
        }
        if (name !== undefined && value !== undefined) env.push({ name, value });
      }
      exec.env = env;
    }
  }

  const modePair = keys.get('interactiveMode');
  if (modePair) {
    const mode = r.readString(modePair, where);
    if (mode !== undefined) {
      if ((INTERACTIVE_MODES as readonly string[]).includes(mode)) {
        exec.interactiveMode = mode as ExecSpec['interactiveMode'];
      } else {
        r.issue(
          modePair.value,
          'interactiveMode',
          `interactiveMode "${shown(mode)}" ${where.in} must be one of ${INTERACTIVE_MODES.join(', ')}`,
        );
      }
    }
  }
  const pciPair = keys.get('provideClusterInfo');
  if (pciPair) {
    const b = r.readBool(pciPair, where);
    if (b !== undefined) exec.provideClusterInfo = b;
  }
  const hintPair = keys.get('installHint');
  if (hintPair) {
    const hint = r.readString(hintPair, where);
    if (hint !== undefined) exec.installHint = hint;
  }
  return r.issues.length > before || command === undefined ? undefined : exec;
}
