import { describe, expect, test } from "vitest";
import { podLogTarget } from "../../../src/tunnel/podlog";

const pod = (containers: string[], init: string[] = [], nodeName = "n1") => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: "default" },
  spec: { nodeName, containers: containers.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) },
});
const target = (p: ReturnType<typeof pod>, query: string) => podLogTarget(p, new URLSearchParams(query));

describe("pods/log target", () => {
  test("the only container is the default; options are passed on", () => {
    expect(target(pod(["app"]), "follow=true&tailLines=10&timestamps=true&pretty=1")).toEqual({ ok: true, value: "/containerLogs/default/web/app?follow=true&timestamps=true&tailLines=10" });
    expect(target(pod(["app", "side"]), "container=side&previous=true")).toEqual({ ok: true, value: "/containerLogs/default/web/side?previous=true" });
  });

  test("with several containers one must be named, as kube-apiserver words it", () => {
    const result = target(pod(["a", "b"], ["init"]), "");
    expect(result).toMatchObject({ ok: false, error: { code: 400, message: "a container name must be specified for pod web, choose one of: [a b] or one of the init containers: [init]" } });
  });

  test("unknown containers, unbound pods and bad options are refused", () => {
    expect(target(pod(["a"]), "container=zzz")).toMatchObject({ ok: false, error: { code: 400, message: "container zzz is not valid for pod web" } });
    expect(target(pod(["a"], [], ""), "")).toMatchObject({ ok: false, error: { code: 400, message: "pod web does not have a host assigned" } });
    expect(target(pod(["a"]), "tailLines=-1")).toMatchObject({ ok: false, error: { code: 422, reason: "Invalid" } });
    expect(target(pod(["a"]), "sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z")).toMatchObject({ ok: false, error: { code: 422 } });
    expect(target(pod(["a"]), "limitBytes=x")).toMatchObject({ ok: false, error: { code: 400 } });
  });
});
