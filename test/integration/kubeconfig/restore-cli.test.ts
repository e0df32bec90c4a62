// `kubezt setup` then `kubezt restore` through the CLI, on a catalog-only setup (no Cloudflare,
// no keychain), with real files.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import { catalogYaml } from '../faults/world.ts';

const exec = promisify(execFile);

const MINE = `# mine
apiVersion: v1
kind: Config
clusters: []
contexts: []
users: []
`;

let root: string;
let env: Record<string, string>;
let config: string;
let folder: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubezt-restore-'));
  config = join(root, 'kube', 'config');
  folder = join(root, 'settings', 'backups');
  await mkdir(join(root, 'kube'));
  await writeFile(config, MINE, { mode: 0o600 });
  await writeFile(join(root, 'catalog.yaml'), catalogYaml(['prod-us', 'staging']));
  env = { KUBEZT_CONFIG_DIR: join(root, 'settings'), KUBEZT_CATALOG: join(root, 'catalog.yaml'), KUBECONFIG: config };
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const ID = /^Backup of the previous version: (\d{8}-\d{6}-\d{3}) \("kubezt restore \1" puts it back\)\.$/m;

describe('kubezt restore', () => {
  it('lists the backups (text and --json), restores one, and says how to undo that', async () => {
    const empty = await runCli(['restore', '--list'], { env });
    expect(empty).toEqual({ code: 0, stdout: `No kubezt backups yet (they are kept in ${folder}).\n`, stderr: '' });

    const setup = await runCli(['setup', '--yes'], { env });
    expect(setup.code, setup.stderr).toBe(0);
    const id = ID.exec(setup.stdout)?.[1] ?? '';
    expect(id).not.toBe('');
    const written = await readFile(config, 'utf8');

    const list = await runCli(['restore', '--list', '--json'], { env });
    expect(list.code).toBe(0);
    const json = JSON.parse(list.stdout);
    expect(json).toEqual({
      version: 1,
      folder,
      backups: [
        {
          id,
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          path: config,
          what: 'setup: added zt-prod-us, zt-staging',
          file: join(folder, `${id}.yaml`),
        },
      ],
    });
    const text = await runCli(['restore', '--list'], { env });
    expect(text.stdout.split('\n')[0]).toMatch(/^ID\s+TIME\s+KUBECONFIG\s+WHAT$/);
    expect(text.stdout).toContain(`${id}  ${json.backups[0].time.replace(/\.\d+Z$/, 'Z')}  ${config}  setup: added`);

    const restored = await runCli(['restore', id], { env });
    expect(restored.code, restored.stderr).toBe(0);
    const undo = /"kubezt restore (\S+)" puts it back/.exec(restored.stdout)?.[1] ?? '';
    expect(restored.stdout).toBe(
      `Restored ${config} from backup ${id} (${json.backups[0].time.replace(/\.\d+Z$/, 'Z')}).\nThe version it replaced is backup ${undo} ("kubezt restore ${undo}" puts it back).\n`,
    );
    expect(await readFile(config, 'utf8')).toBe(MINE);
    // kubectl reads the restored file.
    const contexts = await exec('kubectl', ['config', 'get-contexts', '-o', 'name'], {
      env: { ...process.env, KUBECONFIG: config },
    });
    expect(contexts.stdout.trim()).toBe('');

    const again = await runCli(['restore', undo, '--json'], { env });
    expect(JSON.parse(again.stdout)).toEqual({
      version: 1,
      restored: true,
      changed: true,
      id: undo,
      path: config,
      backup: expect.stringMatching(/^\d{8}-\d{6}-\d{3}(-\d+)?$/),
    });
    expect(await readFile(config, 'utf8')).toBe(written);
  });

  it('refuses with exit 2 and one sentence when the file changed since, and --force restores', async () => {
    const setup = await runCli(['setup', '--yes'], { env });
    const id = ID.exec(setup.stdout)?.[1] ?? '';
    const edited = `${await readFile(config, 'utf8')}# my edit\n`;
    await writeFile(config, edited);
    const r = await runCli(['restore', id], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `kubezt: The kubeconfig ${config} changed after kubezt wrote it when it took backup ${id} (setup: added zt-prod-us, zt-staging), so restoring that backup would also undo the later changes; run "kubezt restore ${id} --force" to restore it anyway (nothing was changed).\n`,
    );
    expect(await readFile(config, 'utf8')).toBe(edited);
    const forced = await runCli(['restore', id, '--force'], { env });
    expect(forced.code).toBe(0);
    expect(await readFile(config, 'utf8')).toBe(MINE);
  });

  it('bad usage and unknown ids are one sentence, exit 2', async () => {
    const cases: [string[], string][] = [
      [
        ['restore'],
        'kubezt: "kubezt restore" takes exactly one backup ID; run "kubezt restore --list" to see the backups kept.\n',
      ],
      [['restore', '--list', 'x'], 'kubezt: "kubezt restore --list" takes no ID and no --force; run it alone.\n'],
      [
        ['restore', '20200101-000000-000'],
        `kubezt: There is no kubezt backup "20200101-000000-000" in ${folder}; run "kubezt restore --list" to see the backups kept.\n`,
      ],
    ];
    for (const [args, stderr] of cases) {
      const r = await runCli(args, { env });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr });
    }
    expect(await readFile(config, 'utf8')).toBe(MINE);
  });

  it('`kubezt use` takes no backup', async () => {
    await runCli(['setup', '--yes'], { env });
    const use = await runCli(['use', 'staging'], { env });
    expect(use.code).toBe(0);
    const list = JSON.parse((await runCli(['restore', '--list', '--json'], { env })).stdout);
    expect(list.backups).toHaveLength(1);
  });
});
