// kubectl describe: the describers read the object and then related objects (events,
// ReplicaSets, quotas) through more API calls, all of which must answer as Kubernetes does.
import { beforeAll, describe, expect, it } from "vitest";
import { useCluster } from "./harness";

const cluster = useCluster();

beforeAll(async () => {
  await cluster.kubectlOk(["apply", "-f", "-"], {
    input: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
        env:
        - name: MODE
          value: production
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {team: a}
data:
  greeting: hello
---
apiVersion: v1
kind: Pod
metadata:
  name: lonely
spec:
  containers:
  - name: main
    image: busybox:1.36
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
`,
  });
});

describe("describe", () => {
  it("describes a Deployment: replicas, strategy, pod template", async () => {
    const out = await cluster.kubectlOk(["describe", "deployment", "web"]);
    expect(out).toMatch(/^Name:\s+web$/m);
    expect(out).toMatch(/^Namespace:\s+default$/m);
    expect(out).toMatch(/^Labels:\s+app=web$/m);
    expect(out).toMatch(/^Selector:\s+app=web$/m);
    expect(out).toMatch(/^Replicas:\s+2 desired \| \d+ updated \| \d+ total \| \d+ available \| \d+ unavailable$/m);
    expect(out).toMatch(/^StrategyType:\s+RollingUpdate$/m);
    expect(out).toMatch(/^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    expect(out).toMatch(/^\s+Image:\s+nginx:1\.25$/m);
    expect(out).toMatch(/^\s+Port:\s+80\/TCP$/m);
    expect(out).toMatch(/^\s+MODE:\s+production$/m);
    expect(out).toMatch(/^Events:/m);
  });

  it("describes a ConfigMap with its data", async () => {
    const out = await cluster.kubectlOk(["describe", "configmap", "settings"]);
    expect(out).toMatch(/^Name:\s+settings$/m);
    expect(out).toMatch(/^Labels:\s+team=a$/m);
    expect(out).toMatch(/^greeting:\n-+\nhello$/m);
  });

  it("describes a Pod that no node runs yet", async () => {
    const out = await cluster.kubectlOk(["describe", "pod", "lonely"]);
    expect(out).toMatch(/^Name:\s+lonely$/m);
    expect(out).toMatch(/^Status:\s+Pending$/m);
    expect(out).toMatch(/^\s+Image:\s+busybox:1\.36$/m);
    expect(out).toMatch(/^QoS Class:\s+BestEffort$/m);
  });

  it("describes a Service", async () => {
    const out = await cluster.kubectlOk(["describe", "service", "web"]);
    expect(out).toMatch(/^Type:\s+ClusterIP$/m);
    expect(out).toMatch(/^TargetPort:\s+8080\/TCP$/m);
  });

  it("describes a namespace (quotas and limit ranges the server does not serve are left out)", async () => {
    const out = await cluster.kubectlOk(["describe", "namespace", "default"]);
    expect(out).toMatch(/^Name:\s+default$/m);
    expect(out).toMatch(/^Status:\s+Active$/m);
  });

  it("describes every object matching a label selector", async () => {
    const out = await cluster.kubectlOk(["describe", "configmaps", "-l", "team=a"]);
    expect(out.match(/^Name:/gm)).toHaveLength(1);
  });

  it("says what is missing", async () => {
    const result = await cluster.kubectl(["describe", "deployment", "nope"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nope" not found');
  });
});
