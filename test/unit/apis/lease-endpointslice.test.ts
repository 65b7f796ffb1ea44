import { describe, expect, it } from "vitest";
import { leaseKind } from "../../../src/apis/coordination/v1/lease";
import { endpointSliceKind } from "../../../src/apis/discovery/v1/endpointslice";
import { admit, ago, obj, problems, row } from "./kindtesting";

const meta = { name: "x", namespace: "default", creationTimestamp: ago(30) };

describe("Lease", () => {
  const lease = (spec: Record<string, unknown>) => ({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: meta, spec });

  it("shows HOLDER AGE", () => {
    expect(row(leaseKind, obj(lease({ holderIdentity: "node-1", leaseDurationSeconds: 40, renewTime: ago(3) })))).toEqual({ Holder: "node-1", Age: "30s" });
    expect(row(leaseKind, obj(lease({})))).toEqual({ Holder: "", Age: "30s" });
  });

  it("checks durations, transitions and strategies", () => {
    expect(problems(leaseKind, admit(leaseKind, lease({ holderIdentity: "a", leaseDurationSeconds: 15, leaseTransitions: 2 })))).toEqual([]);
    expect(problems(leaseKind, admit(leaseKind, lease({ leaseDurationSeconds: 0, leaseTransitions: -1, preferredHolder: "b" })))).toEqual([
      "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
      "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
      "spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined",
    ]);
    expect(problems(leaseKind, admit(leaseKind, lease({ strategy: "example.com/mine" })))).toEqual([]);
  });

  it("has no status, short names or generation", () => {
    expect(leaseKind).toMatchObject({ group: "coordination.k8s.io", plural: "leases", shortNames: [], categories: [] });
    expect(leaseKind.statusField).toBeUndefined();
  });
});

describe("EndpointSlice", () => {
  const slice = (fields: Record<string, unknown>) => ({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: meta, ...fields });

  // Loopback addresses are allowed (edgeplane's development pods live there): 127.0.0.1 and ::1 pass.
  it("defaults port protocols and validates addresses by type", () => {
    const s = admit(endpointSliceKind, slice({ addressType: "IPv4", endpoints: [{ addresses: ["10.0.0.1"], conditions: { ready: true } }], ports: [{ port: 80 }] }));
    expect(s.ports).toEqual([{ port: 80, name: "", protocol: "TCP" }]);
    expect(problems(endpointSliceKind, s)).toEqual([]);
    const bad = admit(
      endpointSliceKind,
      slice({ addressType: "IPv4", endpoints: [{ addresses: ["10.0.0.300", "127.0.0.1", "169.254.1.1"] }, { addresses: [], hostname: "Bad_Host" }] }),
    );
    expect(problems(endpointSliceKind, bad)).toEqual([
      'endpoints[0].addresses[0]: Invalid value: "10.0.0.300": must be a valid IPv4 address',
      'endpoints[0].addresses[2]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      "endpoints[1].addresses: Required value: must contain at least 1 address",
      expect.stringMatching(/^endpoints\[1\]\.hostname: Invalid value: "Bad_Host": a lowercase RFC 1123 label must consist of/),
    ]);
  });

  it("checks IPv6 and FQDN addresses", () => {
    const v6 = admit(endpointSliceKind, slice({ addressType: "IPv6", endpoints: [{ addresses: ["fd00::1", "::1", "fe80::1", "10.0.0.1"] }] }));
    expect(problems(endpointSliceKind, v6)).toEqual([
      'endpoints[0].addresses[2]: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      'endpoints[0].addresses[3]: Invalid value: "10.0.0.1": must be a valid IPv6 address',
    ]);
    const fqdn = admit(endpointSliceKind, slice({ addressType: "FQDN", endpoints: [{ addresses: ["db.example.com.", "localhost"] }] }));
    expect(problems(endpointSliceKind, fqdn)).toEqual(['endpoints[0].addresses[1]: Invalid value: "localhost": should be a domain with at least two segments separated by dots']);
  });

  it("requires an addressType, which never changes, and unique port names", () => {
    const s = admit(endpointSliceKind, slice({ ports: [{ name: "http", port: 80 }, { name: "http", port: 81, protocol: "ICMP" }] }));
    expect(problems(endpointSliceKind, s)).toEqual([
      "addressType: Required value",
      'ports[1].name: Duplicate value: "http"',
      'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ]);
    const old = admit(endpointSliceKind, slice({ addressType: "IPv4" }));
    const next = admit(endpointSliceKind, slice({ addressType: "IPv6" }));
    expect(problems(endpointSliceKind, next, old)).toEqual(['addressType: Invalid value: "IPv6": field is immutable']);
  });

  it("shows ADDRESSTYPE PORTS ENDPOINTS AGE", () => {
    const endpoints = [{ addresses: ["10.0.0.1", "10.0.0.2"] }, { addresses: ["10.0.0.3"] }, { addresses: ["10.0.0.4", "10.0.0.5"] }];
    const s = obj(slice({ addressType: "IPv4", endpoints, ports: [{ name: "http", port: 80, protocol: "TCP" }, { name: "metrics", protocol: "TCP" }] }));
    expect(row(endpointSliceKind, s)).toEqual({ AddressType: "IPv4", Ports: "80,metrics", Endpoints: "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...", Age: "30s" });
    expect(row(endpointSliceKind, obj(slice({ addressType: "IPv4" })))).toMatchObject({ Ports: "<unset>", Endpoints: "<unset>" });
  });
});
