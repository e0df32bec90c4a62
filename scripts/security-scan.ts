// `npm run test:security`: electronegativity over the Electron-facing sources (main glue,
// preload, renderer), offline, pinned to our Electron version. Fails on any HIGH finding.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pkg from '../package.json' with { type: 'json' };

const electronVersion = pkg.devDependencies.electron;
const work = mkdtempSync(join(tmpdir(), 'kubezt-electronegativity-'));
try {
  // The scanner takes one folder; give it exactly the Electron-facing code, not node_modules.
  for (const dir of ['main/electron', 'preload', 'renderer']) {
    if (existsSync(dir)) cpSync(dir, join(work, 'src', dir), { recursive: true });
  }
  const csv = join(work, 'findings.csv');
  const r = spawnSync(
    process.execPath,
    ['scripts/electronegativity.cjs', '-i', join(work, 'src'), '-e', electronVersion, '-r', '-o', csv],
    { encoding: 'utf8' },
  );
  if (!existsSync(csv)) {
    process.stderr.write(`${r.stdout}\n${r.stderr}\nelectronegativity did not produce a report.\n`);
    process.exit(1);
  }
  const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1);
  const findings = rows.map((line) => {
    const [id = '', severity = '', confidence = '', file = '', location = ''] = line
      .split(',')
      .map((s) => s.replace(/^"|"$/g, ''));
    return { id, severity, confidence, file, location };
  });
  for (const f of findings) console.log(`${f.severity.padEnd(13)} ${f.id} ${f.file}:${f.location}`);
  const high = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL');
  console.log(`electronegativity (Electron ${electronVersion}): ${findings.length} findings, ${high.length} high`);
  process.exit(high.length > 0 ? 1 : 0);
} finally {
  rmSync(work, { recursive: true, force: true });
}
