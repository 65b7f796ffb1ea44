import { describe, expect, test } from "vitest";
import { mountScript, rewritePaths, type PlanContext } from "../../../src/agent/runtime/mountplan";

const existing: Record<string, "dir" | "file"> = { "/": "dir", "/etc": "dir", "/srv": "dir", "/vol/cfg": "dir", "/vol/data": "dir", "/vol/file": "file", "/proc": "dir" };
const ctx = (mountsBelow: string[] = []): PlanContext => ({ kind: (p) => existing[p], hasMountsBelow: (p) => mountsBelow.includes(p), overlayDir: "/state/overlay" });

describe("mount plan", () => {
  test("an existing directory is bind-mounted directly, read-only when asked", () => {
    expect(mountScript([{ hostPath: "/vol/cfg", containerPath: "/srv", readOnly: true }], ctx())).toEqual([
      "mount --bind '/vol/cfg' '/srv'",
      "mount -o remount,bind,ro '/srv'",
    ]);
  });

  test("a missing mount point under an existing directory gets a private overlay there", () => {
    expect(mountScript([{ hostPath: "/vol/cfg", containerPath: "/etc/config", readOnly: false }], ctx())).toEqual([
      "mkdir -p '/state/overlay/0/upper' '/state/overlay/0/work'",
      "mount -t overlay overlay -o 'lowerdir=/etc,upperdir=/state/overlay/0/upper,workdir=/state/overlay/0/work' '/etc'",
      "mkdir -p '/etc/config'",
      "mount --bind '/vol/cfg' '/etc/config'",
    ]);
  });

  test("no overlay on / or over other mounts: the mount point is made on the host", () => {
    expect(mountScript([{ hostPath: "/vol/data", containerPath: "/data", readOnly: false }], ctx())).toEqual(["mkdir -p '/data'", "mount --bind '/vol/data' '/data'"]);
    expect(mountScript([{ hostPath: "/vol/data", containerPath: "/etc/x", readOnly: false }], ctx(["/etc"]))[0]).toBe("mkdir -p '/etc/x'");
  });

  test("parents are mounted before children, and a child inside a mounted volume needs no overlay", () => {
    const lines = mountScript(
      [
        { hostPath: "/vol/cfg", containerPath: "/data/cfg", readOnly: true },
        { hostPath: "/vol/data", containerPath: "/data", readOnly: false },
      ],
      ctx(),
    );
    expect(lines).toEqual(["mkdir -p '/data'", "mount --bind '/vol/data' '/data'", "mkdir -p '/data/cfg'", "mount --bind '/vol/cfg' '/data/cfg'", "mount -o remount,bind,ro '/data/cfg'"]);
  });

  test("a file (subPath) is mounted onto a file", () => {
    expect(mountScript([{ hostPath: "/vol/file", containerPath: "/etc/app.conf", readOnly: true }], ctx())).toContain("mkdir -p '/etc' && touch '/etc/app.conf'");
  });

  test("quotes survive in paths", () => {
    expect(mountScript([{ hostPath: "/vol/it's", containerPath: "/srv", readOnly: false }], ctx())).toEqual(["mount --bind '/vol/it'\\''s' '/srv'"]);
  });

  test("without namespaces, mount paths at the start of a word are rewritten into the pod root", () => {
    const mounts = [{ hostPath: "/v", containerPath: "/etc/config", readOnly: true }, { hostPath: "/w", containerPath: "/data", readOnly: false }];
    expect(rewritePaths("cat /etc/config/key > /data/out; ls /etc/configs /database", mounts, "/root")).toBe("cat /root/etc/config/key > /root/data/out; ls /etc/configs /database");
    expect(rewritePaths("CONFIG=/etc/config", mounts, "/root")).toBe("CONFIG=/root/etc/config");
  });
});
