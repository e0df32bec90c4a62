/**
 * Cloudflare Gateway's TLS inspection re-signs traffic with a per-account root named
 * "Gateway CA - Cloudflare Managed G1 <account tag>" (G2 and later generations follow the same
 * pattern); accounts set up before 2025 used "Cloudflare for Teams ECC Certificate Authority"
 * with an intermediate whose OU is "Gateway Intermediate ECC Certificate Authority".
 * A certificate issued by any of these means the API server's own certificate never reached us.
 */
const GATEWAY_NAMES = [
  /Gateway CA - Cloudflare Managed G\d+/i,
  /Cloudflare for Teams ECC Certificate Authority/i,
  /Gateway Intermediate ECC Certificate Authority/i,
];

export function isCloudflareGatewayName(distinguishedName: string): boolean {
  return GATEWAY_NAMES.some((re) => re.test(distinguishedName));
}
