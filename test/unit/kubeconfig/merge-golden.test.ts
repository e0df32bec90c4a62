import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type KubeconfigSource, parseKubeconfigSet, planKubeconfig } from '../../../main/core/kubeconfig/index.ts';
import { readMergedKubeconfig } from '../../../main/core/kubeconfig/read-full.ts';
import { isPureAddition, mergeCases } from './helpers.ts';

// Golden files are the reviewed expected bytes. Regenerate with UPDATE_GOLDEN=1 and review the
// diff by eye before committing: a golden is a claim about exactly what a user's file becomes.
const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe.each(mergeCases())('merge case $name', (c) => {
  const files: KubeconfigSource[] = c.names.map((name, i) => ({ path: name, bytes: c.bytes[i] ?? null }));
  const input =
    c.nameTemplate === undefined
      ? { clusters: c.clusters, files }
      : { clusters: c.clusters, files, nameTemplate: c.nameTemplate };

  it('matches the golden output byte for byte', () => {
    const plan = planKubeconfig(input);
    if (c.noWrites) {
      expect(plan.writes).toEqual([]);
      return;
    }
    const written = plan.writes.map((w) => w.path);
    if (c.writesOnly) expect(written).toEqual(c.writesOnly);
    expect(written.length).toBeGreaterThan(0);
    for (const write of plan.writes) {
      const golden = join(c.dir, `${write.path}.golden`);
      if (UPDATE) writeFileSync(golden, write.after);
      expect(write.after).toBe(readFileSync(golden, 'utf8'));
    }
    for (const name of c.names) {
      if (!written.includes(name)) expect(existsSync(join(c.dir, `${name}.golden`))).toBe(false);
    }
  });

  it('reports the expected changes', () => {
    const plan = planKubeconfig(input);
    if (c.changes) {
      const got = plan.changes.map((ch) => ({ kind: ch.kind, context: ch.context, file: ch.file }));
      for (const want of c.changes) {
        expect(got).toContainEqual({ kind: want.kind, context: want.context, file: want.file ?? c.names[0] });
      }
      expect(got).toHaveLength(c.changes.length);
    }
    expect(plan.currentContextWarning !== undefined).toBe(c.currentContextWarning === true);
  });

  it('is idempotent: planning again on its own output writes nothing and reports all unchanged', () => {
    const first = planKubeconfig(input);
    const after = files.map((f) => ({
      path: f.path,
      bytes: first.writes.find((w) => w.path === f.path)?.after ?? f.bytes,
    }));
    const second = planKubeconfig({ ...input, files: after });
    expect(second.writes).toEqual([]);
    expect(second.changes.every((ch) => ch.kind === 'unchanged')).toBe(true);
    expect(second.changes.map((ch) => ch.context).sort()).toEqual(
      first.changes
        .filter((ch) => ch.kind !== 'removed')
        .map((ch) => ch.context)
        .sort(),
    );
  });

  it('keeps every foreign entry and the current-context exactly as kubectl reads them', () => {
    const plan = planKubeconfig(input);
    const before = readMergedKubeconfig(files);
    const afterFiles = files.map((f) => ({
      path: f.path,
      bytes: plan.writes.find((w) => w.path === f.path)?.after ?? f.bytes,
    }));
    const after = readMergedKubeconfig(afterFiles);
    expect(after.currentContext).toBe(before.currentContext);
    for (const kind of ['contexts', 'clusters', 'users'] as const) {
      for (const entry of before[kind].filter((e) => !e.managed)) {
        expect(after[kind]).toContainEqual(entry);
      }
    }
    // Every written file is valid for kubectl's reader too (YAML 1.1 and the typed schema).
    expect(() => parseKubeconfigSet(afterFiles)).not.toThrow();
    for (const write of plan.writes) expect(() => parse(write.after, { version: '1.1' })).not.toThrow();
  });

  const firstPlan = planKubeconfig(input);
  const onlyAdds = firstPlan.changes.every((ch) => ch.kind === 'added' || ch.kind === 'unchanged');
  const blockFiles = firstPlan.writes.filter((w) => {
    const text = w.before?.trim() ?? '';
    return text !== '' && text !== 'null' && !text.startsWith('{');
  });
  it.skipIf(!onlyAdds || blockFiles.length === 0)('only adds lines when it only adds entries', () => {
    for (const write of blockFiles) {
      const before = write.before ?? '';
      // Dropping a `null` / `[]` placeholder is the only allowed change to existing text.
      const withoutPlaceholders = before.replace(/(:) *(null|\[\])/g, '$1');
      expect(isPureAddition(withoutPlaceholders, write.after) || isPureAddition(before, write.after)).toBe(true);
    }
  });

  const jsonFiles = firstPlan.writes.filter((w) => w.before?.trim().startsWith('{'));
  it.skipIf(jsonFiles.length === 0)('keeps a JSON kubeconfig valid JSON', () => {
    for (const write of jsonFiles) expect(() => JSON.parse(write.after)).not.toThrow();
  });
});
