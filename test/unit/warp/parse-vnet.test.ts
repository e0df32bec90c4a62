import { describe, expect, it } from 'vitest';
import { findVirtualNetwork, parseVnetJson, parseVnetText } from '../../../main/core/warp/index.ts';
import { fixtureText } from './fixtures.ts';

const A = 'a0e1d2c3-b4a5-4968-8776-5544332211aa';
const B = 'b3a1f0c2-5d4e-4f61-9a7b-2c8d9e0f1a2b';
const TWO = [
  { id: A, name: 'default', description: '', default: true },
  { id: B, name: 'staging-vnet', description: 'Staging VPC', default: false },
];

describe('warp-cli vnet (hand-written fixtures: no recording exists)', () => {
  it('reads the JSON form', () => {
    expect(parseVnetJson(fixtureText('vnet', 'json-two-networks.stdout'))).toEqual({
      active: B,
      list: TWO,
      format: 'json',
    });
  });

  it('reads the text form', () => {
    expect(parseVnetText(fixtureText('vnet', 'text-two-networks.stdout'))).toEqual({
      active: B,
      list: TWO,
      format: 'text',
    });
  });

  it('reads ID and Name blocks without the other lines', () => {
    const v = parseVnetText(fixtureText('vnet', 'text-id-name-only.stdout'));
    expect(v?.active).toBe('6666a685-9b3b-4f0c-bd18-36e0ae1c987d');
    expect(v?.list.map((n) => n.name)).toEqual(['EU-Production-vnet', 'EU-Staging-vnet']);
  });

  it('none selected is a null active network, not a failure', () => {
    expect(parseVnetJson(fixtureText('vnet', 'json-none-selected.stdout'))).toEqual({
      active: null,
      list: [],
      format: 'json',
    });
    expect(parseVnetText('Currently selected: None\n')).toEqual({ active: null, list: [], format: 'text' });
  });

  it('an error object, a clap error or garbage is no reading', () => {
    expect(parseVnetJson(fixtureText('vnet', 'json-error.stdout'))).toBeNull();
    expect(parseVnetJson("error: unexpected argument '-j' found")).toBeNull();
    expect(parseVnetText("error: unrecognized subcommand 'vnet'")).toBeNull();
    expect(parseVnetText('')).toBeNull();
  });

  it('finds a network by id or by name', () => {
    expect(findVirtualNetwork(TWO, B.toUpperCase())?.name).toBe('staging-vnet');
    expect(findVirtualNetwork(TWO, 'staging-vnet')?.id).toBe(B);
    expect(findVirtualNetwork(TWO, 'Staging-VNET')?.id).toBe(B);
    expect(findVirtualNetwork(TWO, 'prod')).toBeNull();
  });
});

describe('hostile input to the profile parsers', () => {
  it('returns (linear time) on long runs of spaces, colons and brackets', async () => {
    const { parseSettingsText, parseSettingsJson, parseOrganization, parseMode } = await import(
      '../../../main/core/warp/index.ts'
    );
    const inputs = [
      `a${' '.repeat(100_000)}`,
      `Mode:${' '.repeat(100_000)}x`,
      `(${'('.repeat(50_000)}`,
      `${'ID: x\n'.repeat(20_000)}`,
      `Currently selected:${' :'.repeat(50_000)}`,
      `{${'"a":'.repeat(50_000)}`,
    ];
    for (const input of inputs) {
      expect(() => parseVnetText(input)).not.toThrow();
      expect(parseVnetJson(input)).toBeNull();
      expect(() => parseSettingsText(input)).not.toThrow();
      expect(parseSettingsJson(input)).toBeNull();
      expect((parseOrganization(input) ?? '').length).toBeLessThanOrEqual(200);
      expect(parseMode(input)?.kind ?? 'unknown').toBe('unknown');
    }
    expect(parseVnetText('ID: x\n'.repeat(20_000))?.list).toHaveLength(1_000);
  });
});
