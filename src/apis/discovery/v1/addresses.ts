// Endpoint addresses as discovery/validation checks them, by the slice's addressType.
import { invalid, required } from "../../fielderrors";
import { isDns1123Label, isDns1123Subdomain, isIP } from "../../formats";
import type { FieldCause } from "../../types";

interface SpecialRanges {
  unspecified: boolean;
  linkLocal: boolean;
  linkLocalMulticast: boolean;
}

function ipv4Ranges(ip: string): SpecialRanges {
  const [a, b, c, d] = ip.split(".").map(Number);
  return { unspecified: a + b + c + d === 0, linkLocal: a === 169 && b === 254, linkLocalMulticast: a === 224 && b === 0 && c === 0 };
}

function ipv6Ranges(ip: string): SpecialRanges {
  // The URL parser writes the address in canonical compressed form: "::1", "fe80::1".
  const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const first = canonical.startsWith("::") ? 0 : parseInt(canonical.split(":")[0], 16);
  return { unspecified: canonical === "::", linkLocal: (first & 0xffc0) === 0xfe80, linkLocalMulticast: (first & 0xff0f) === 0xff02 };
}

/**
 * ValidateNonSpecialIP: endpoints may not point at unspecified or link-local addresses.
 * Deliberately unlike Kubernetes, loopback addresses are allowed: edgeplane's process runtime
 * runs development pods on the node's loopback address (podIP 127.0.0.1), and its proxies reach
 * an endpoint from the node that owns it or from the same machine, where that address means it.
 */
function specialIpCauses(ip: string, path: string): FieldCause[] {
  const r = ip.includes(":") ? ipv6Ranges(ip) : ipv4Ranges(ip);
  return [
    ...(r.unspecified ? [invalid(path, ip, `may not be unspecified (${ip})`)] : []),
    ...(r.linkLocal ? [invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")] : []),
    ...(r.linkLocalMulticast ? [invalid(path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")] : []),
  ];
}

/** IsFullyQualifiedDomainName: a DNS subdomain of at least two labels, a trailing dot allowed. */
function fqdnCauses(name: string, path: string): FieldCause[] {
  if (name === "") return [required(path)];
  const host = name.endsWith(".") ? name.slice(0, -1) : name;
  const errs = isDns1123Subdomain(host);
  if (errs.length) return [invalid(path, host, errs.join(","))];
  const labels = host.split(".");
  if (labels.length < 2) return [invalid(path, host, "should be a domain with at least two segments separated by dots")];
  const bad = labels.find((l) => isDns1123Label(l).length);
  return bad === undefined ? [] : [invalid(path, bad, isDns1123Label(bad).join(","))];
}

/** The checks for one address of a slice of `addressType`; unknown types are left alone. */
export function validateAddress(address: string, addressType: string, path: string): FieldCause[] {
  switch (addressType) {
    case "IPv4":
      return isIP(address) && !address.includes(":") ? specialIpCauses(address, path) : [invalid(path, address, "must be a valid IPv4 address")];
    case "IPv6":
      return isIP(address) && address.includes(":") ? specialIpCauses(address, path) : [invalid(path, address, "must be a valid IPv6 address")];
    case "FQDN":
      return fqdnCauses(address, path);
    default:
      return [];
  }
}
