import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  autostartDir,
  desktopEntry,
  launchCommand,
  quoteExecArg,
  setLinuxAutostart,
} from '../../main/app/autostart.ts';
import { type SafeStorageLike, SafeStorageSecretStore } from '../../main/app/safe-storage-secrets.ts';
import { UserError } from '../../main/core/errors.ts';

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-autostart-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('Linux autostart entry', () => {
  it('quotes Exec arguments as the Desktop Entry spec requires', () => {
    expect(quoteExecArg('/opt/kubezt/kubezt')).toBe('/opt/kubezt/kubezt');
    expect(quoteExecArg('/home/dev/Apps/kubezt 1.0.AppImage')).toBe('"/home/dev/Apps/kubezt 1.0.AppImage"');
    // $ and " are backslash-escaped inside quotes; the string escape then doubles each backslash.
    expect(quoteExecArg('/a/$HOME "b"')).toBe('"/a/\\\\$HOME \\\\"b\\\\""');
    expect(quoteExecArg('50%')).toBe('50%%');
  });

  it('points at the AppImage, not its temporary mount', () => {
    expect(
      launchCommand({ execPath: '/tmp/.mount_kubeztX/kubezt', env: { APPIMAGE: '/home/d/kubezt.AppImage' } }),
    ).toEqual(['/home/d/kubezt.AppImage']);
    expect(launchCommand({ execPath: '/usr/lib/electron/electron', env: {}, args: ['/src/kubezt'] })).toEqual([
      '/usr/lib/electron/electron',
      '/src/kubezt',
    ]);
    expect(autostartDir({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/d')).toBe('/x/cfg/autostart');
    expect(autostartDir({ XDG_CONFIG_HOME: 'relative' }, '/home/d')).toBe('/home/d/.config/autostart');
  });

  it('writes, keeps, and removes only its own entry', async () => {
    const dir = path.join(work, 'autostart');
    const command = ['/opt/kubezt/kubezt'];
    expect((await setLinuxAutostart({ enabled: true, dir, command })).change).toBe('written');
    const file = path.join(dir, 'kubezt.desktop');
    expect(readFileSync(file, 'utf8')).toBe(desktopEntry(command));
    expect(readFileSync(file, 'utf8')).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    expect((await setLinuxAutostart({ enabled: true, dir, command })).change).toBe('unchanged');
    expect((await setLinuxAutostart({ enabled: false, dir, command })).change).toBe('removed');
    expect((await setLinuxAutostart({ enabled: false, dir, command })).change).toBe('absent');

    // A kubezt.desktop the user wrote is theirs: never replaced, never deleted.
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, '[Desktop Entry]\nType=Application\nExec=/my/own/wrapper\n');
    expect((await setLinuxAutostart({ enabled: true, dir, command })).change).toBe('foreign-kept');
    expect((await setLinuxAutostart({ enabled: false, dir, command })).change).toBe('foreign-kept');
    expect(readFileSync(file, 'utf8')).toContain('/my/own/wrapper');
  });
});

/**
 * Behaves like Electron's safeStorage: opaque ciphertext Buffers under a key the "OS" holds,
 * `shouldReEncrypt` after a key rotation, and the backend Chromium picked on Linux.
 */
function osSafeStorage(backend = 'gnome_libsecret') {
  let key = randomBytes(32);
  let oldKey: Buffer | undefined;
  const encrypt = (k: Buffer, text: string) => {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', k, iv);
    const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  };
  const decrypt = (k: Buffer, data: Buffer) => {
    const d = createDecipheriv('aes-256-gcm', k, data.subarray(0, 12));
    d.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
  };
  const api: SafeStorageLike & { available: boolean; rotate(): void } = {
    available: true,
    isAsyncEncryptionAvailable: async () => api.available,
    encryptStringAsync: async (text) => encrypt(key, text),
    decryptStringAsync: async (data) => {
      try {
        return { result: decrypt(key, data), shouldReEncrypt: false };
      } catch (e) {
        if (oldKey) return { result: decrypt(oldKey, data), shouldReEncrypt: true };
        throw e;
      }
    },
    getSelectedStorageBackend: () => backend,
    rotate() {
      oldKey = key;
      key = randomBytes(32);
    },
  };
  return api;
}

describe('safeStorage secret store', () => {
  const TOKEN = 'cf-token-0123456789abcdefghijklmnop';

  it('keeps the token encrypted in a 0600 file and reads it back', async () => {
    const file = path.join(work, 'cfg', 'token.bin');
    const store = new SafeStorageSecretStore({ safeStorage: osSafeStorage(), file, platform: 'linux' });
    expect(await store.get()).toBeUndefined();
    await store.set(TOKEN);
    expect(readFileSync(file).includes(Buffer.from(TOKEN))).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await store.get()).toBe(TOKEN);
    expect(store.describe()).toContain('gnome_libsecret');
    expect(await store.delete()).toBe(true);
    expect(await store.delete()).toBe(false);
    expect(await store.get()).toBeUndefined();
  });

  it('re-encrypts under a rotated key', async () => {
    const file = path.join(work, 'token.bin');
    const safe = osSafeStorage();
    const store = new SafeStorageSecretStore({ safeStorage: safe, file, platform: 'darwin' });
    await store.set(TOKEN);
    const before = readFileSync(file);
    safe.rotate();
    expect(await store.get()).toBe(TOKEN);
    expect(readFileSync(file).equals(before)).toBe(false);
    expect((await safe.decryptStringAsync(readFileSync(file))).shouldReEncrypt).toBe(false);
  });

  it("refuses Linux's basic_text backend and an unavailable keychain, saying what to do", async () => {
    const file = path.join(work, 'token.bin');
    const plain = new SafeStorageSecretStore({ safeStorage: osSafeStorage('basic_text'), file, platform: 'linux' });
    const e = await plain.set(TOKEN).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).code).toBe('keychain-unavailable');
    expect((e as UserError).message).toContain('CLOUDFLARE_API_TOKEN');
    expect(() => statSync(file)).toThrow(/ENOENT/);

    const safe = osSafeStorage();
    safe.available = false;
    const locked = new SafeStorageSecretStore({ safeStorage: safe, file, platform: 'win32' });
    await expect(locked.set(TOKEN)).rejects.toMatchObject({ code: 'keychain-unavailable' });
  });
});
