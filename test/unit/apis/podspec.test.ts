import { describe, expect, it } from "vitest";
import { type PodSpec, admitPodSpec, defaultPodSpec, defaultPodTemplateSpec, validatePodSpec, validatePodTemplateSpec } from "../../../src/apis/core/v1/podspec";
import { imageTag } from "../../../src/apis/core/v1/poddefaults";

function spec(extra: Partial<PodSpec> = {}): PodSpec {
  const s: Record<string, unknown> = { containers: [{ name: "web", image: "nginx:1.27" }], ...extra };
  defaultPodSpec(s);
  return s as PodSpec;
}

const causes = (s: PodSpec) => validatePodSpec(s, "spec").map((c) => `${c.reason} ${c.field}: ${c.message}`);

describe("pod spec defaults", () => {
  it("fills the PodSpec and container defaults Kubernetes' defaulters set", () => {
    const s: Record<string, unknown> = {
      containers: [
        {
          name: "web",
          image: "nginx",
          ports: [{ containerPort: 80 }],
          readinessProbe: { httpGet: { port: 80 } },
          livenessProbe: { grpc: { port: 9000 } },
          env: [{ name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }, { name: "CPU", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } }],
        },
      ],
      volumes: [{ name: "scratch" }, { name: "cfg", configMap: { name: "c" } }, { name: "s", secret: { secretName: "s" } }, { name: "h", hostPath: { path: "/tmp" } }],
    };
    defaultPodSpec(s);
    expect(s).toMatchObject({
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      securityContext: {},
      schedulerName: "default-scheduler",
      containers: [
        {
          imagePullPolicy: "Always",
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
          resources: {},
          ports: [{ containerPort: 80, protocol: "TCP" }],
          readinessProbe: { httpGet: { port: 80, path: "/", scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          livenessProbe: { grpc: { port: 9000, service: "" } },
          env: [{ valueFrom: { fieldRef: { apiVersion: "v1" } } }, { valueFrom: { resourceFieldRef: { divisor: "0" } } }],
        },
      ],
      volumes: [{ name: "scratch", emptyDir: {} }, { configMap: { defaultMode: 420 } }, { secret: { defaultMode: 420 } }, { hostPath: { type: "" } }],
    });
    // Template-level defaults leave what only a created Pod gets.
    expect(s).not.toHaveProperty("serviceAccountName");
    expect(s).not.toHaveProperty("enableServiceLinks");
    expect(s).not.toHaveProperty("tolerations");
  });

  it("pulls always only for latest or untagged images without a digest", () => {
    expect(imageTag("nginx")).toBe("latest");
    expect(imageTag("nginx:1.27")).toBe("1.27");
    expect(imageTag("localhost:5000/app")).toBe("latest");
    expect(imageTag("nginx@sha256:abc")).toBe("");
    const s = spec({ containers: [{ name: "a", image: "nginx:1.27" }, { name: "b", image: "r.io/x@sha256:abc" }, { name: "c", image: "x:latest" }] });
    expect(s.containers?.map((c) => c.imagePullPolicy)).toEqual(["IfNotPresent", "IfNotPresent", "Always"]);
  });

  it("mirrors the deprecated serviceAccount field", () => {
    const s: Record<string, unknown> = { serviceAccount: "builder", containers: [] };
    defaultPodSpec(s);
    expect(s).toMatchObject({ serviceAccountName: "builder", serviceAccount: "builder" });
  });

  it("admits a created pod: service account, priority, requests from limits, default tolerations", () => {
    const s: Record<string, unknown> = {
      hostNetwork: true,
      containers: [{ name: "a", image: "x", ports: [{ containerPort: 8080 }], resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m" } } }],
      tolerations: [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 }],
    };
    defaultPodSpec(s);
    admitPodSpec(s);
    expect(s).toMatchObject({
      serviceAccountName: "default",
      serviceAccount: "default",
      enableServiceLinks: true,
      priority: 0,
      preemptionPolicy: "PreemptLowerPriority",
      containers: [{ ports: [{ containerPort: 8080, hostPort: 8080 }], resources: { requests: { cpu: "500m", memory: "1Gi" } } }],
      tolerations: [
        { key: "node.kubernetes.io/unreachable", tolerationSeconds: 60 },
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ],
    });
    expect((s.tolerations as unknown[]).length).toBe(2);
  });

  it("defaults a template's spec and tolerates a missing one", () => {
    const template: Record<string, unknown> = { spec: { containers: [{ name: "a", image: "x" }] } };
    defaultPodTemplateSpec(template);
    expect(template.spec).toMatchObject({ restartPolicy: "Always" });
    expect(() => defaultPodTemplateSpec({})).not.toThrow();
  });
});

describe("pod spec validation", () => {
  it("accepts a defaulted spec", () => {
    expect(causes(spec())).toEqual([]);
  });

  it("requires containers, names and images", () => {
    expect(causes(spec({ containers: [] }))).toEqual(["FieldValueRequired spec.containers: Required value"]);
    expect(causes(spec({ containers: [{ name: "Web_1", image: "" }] }))).toEqual([
      expect.stringMatching(/^FieldValueInvalid spec\.containers\[0\]\.name: Invalid value: "Web_1": a lowercase RFC 1123 label/),
      "FieldValueRequired spec.containers[0].image: Required value",
    ]);
  });

  it("keeps container names unique across regular and init containers", () => {
    expect(causes(spec({ initContainers: [{ name: "web", image: "busybox" }] }))).toEqual(['FieldValueDuplicate spec.initContainers[0].name: Duplicate value: "web"']);
  });

  it("checks ports and protocols", () => {
    const s = spec({ containers: [{ name: "a", image: "x", ports: [{ containerPort: 70000, protocol: "HTTP", name: "Web" }] }] });
    expect(causes(s)).toEqual([
      "FieldValueInvalid spec.containers[0].ports[0].name: Invalid value: \"Web\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
      "FieldValueInvalid spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
      'FieldValueNotSupported spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ]);
  });

  it("checks pod-level enumerations", () => {
    const s = spec();
    s.restartPolicy = "Sometimes";
    s.dnsPolicy = "None";
    expect(causes(s)).toEqual([
      'FieldValueNotSupported spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      "FieldValueRequired spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None",
    ]);
  });

  it("requires mounted volumes to exist and volume names to be unique", () => {
    const s = spec({
      containers: [{ name: "a", image: "x", volumeMounts: [{ name: "missing", mountPath: "/m" }] }],
      volumes: [{ name: "v", emptyDir: {} }, { name: "v", emptyDir: {} }, { name: "w", emptyDir: {}, secret: { secretName: "s" } }],
    });
    expect(causes(s)).toEqual([
      "FieldValueForbidden spec.volumes[2].secret: Forbidden: may not specify more than 1 volume type",
      'FieldValueDuplicate spec.volumes[1].name: Duplicate value: "v"',
      'FieldValueNotFound spec.containers[0].volumeMounts[0].name: Not found: "missing"',
    ]);
  });

  it("keeps requests within limits", () => {
    const s = spec({ containers: [{ name: "a", image: "x", resources: { requests: { cpu: "2" }, limits: { cpu: "1" } } }] });
    expect(causes(s)).toEqual(['FieldValueInvalid spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']);
  });

  it("checks probes: one handler, thresholds, liveness success threshold 1", () => {
    const s = spec({
      containers: [
        {
          name: "a",
          image: "x",
          livenessProbe: { exec: { command: ["true"] }, tcpSocket: { port: 80 }, successThreshold: 2, periodSeconds: -1 },
          readinessProbe: {},
        },
      ],
    });
    expect(causes(s)).toEqual([
      "FieldValueForbidden spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type",
      "FieldValueInvalid spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0",
      "FieldValueInvalid spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
      "FieldValueRequired spec.containers[0].readinessProbe: Required value: must specify a handler type",
    ]);
  });

  it("checks env names and sources", () => {
    const s = spec({
      containers: [
        {
          name: "a",
          image: "x",
          env: [
            { name: "A=B", value: "1" },
            { name: "X", value: "v", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
            { name: "Y", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "spec.bogus" } } },
          ],
        },
      ],
    });
    expect(causes(s)).toEqual([
      "FieldValueInvalid spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
      'FieldValueInvalid spec.containers[0].env[1].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      expect.stringMatching(/^FieldValueNotSupported spec\.containers\[0\]\.env\[2\]\.valueFrom\.fieldRef\.fieldPath: Unsupported value: "spec.bogus"/),
    ]);
  });

  it("forbids probes on plain init containers but allows sidecars", () => {
    const probe = { exec: { command: ["true"] } };
    const s = spec({
      initContainers: [
        { name: "init", image: "x", readinessProbe: probe },
        { name: "side", image: "x", restartPolicy: "Always", readinessProbe: probe },
      ],
    });
    expect(causes(s)).toEqual(["FieldValueForbidden spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"]);
  });

  it("checks tolerations and affinity", () => {
    const s = spec({
      tolerations: [{ operator: "Equal", value: "x" }, { key: "k", effect: "NoSchedule", tolerationSeconds: 5 }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
    });
    expect(causes(s)).toEqual([
      "FieldValueRequired spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term",
      'FieldValueInvalid spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
      "FieldValueInvalid spec.tolerations[1].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    ]);
  });

  it("validates a template's labels at <path>.labels and forbids ephemeral containers", () => {
    const template = { metadata: { labels: { "bad key": "v" } }, spec: spec({ ephemeralContainers: [{ name: "debug", image: "busybox" }] }) };
    const result = validatePodTemplateSpec(template, "spec.template").map((c) => `${c.reason} ${c.field}`);
    expect(result).toEqual(["FieldValueInvalid spec.template.labels", "FieldValueForbidden spec.template.spec.ephemeralContainers"]);
  });
});
