#!/usr/bin/env bash
# Sets this machine up for edgeplane's podman runtime and its tests: installs Podman, configures
# it for these machines (crun as the OCI runtime, with the cgroup layout it needs; the ulimits
# Kubernetes nodes give containers), starts Podman's REST service on a unix socket and builds the
# local test images (test/fixtures/images/build.sh). Idempotent and quiet when everything is
# already done.
#
# Needs root (apt-get, /etc/containers, the rootful service). The socket is
# $EDGEPLANE_PODMAN_SOCKET, by default /run/podman/podman.sock, where the runtime looks first.
set -euo pipefail
cd "$(dirname "$0")/.."

socket=${EDGEPLANE_PODMAN_SOCKET:-/run/podman/podman.sock}
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)

# Commands (or files) and the Debian packages that provide them. catatonit is the init of the pause
# image Podman builds for pod infra containers; netavark sets up the default bridge network. runc
# stays for containers created before crun was configured (Podman keeps using the runtime that
# created a container) and for machines where crun cannot run.
declare -A PACKAGE_OF=(
  [podman]=podman [crun]=crun [runc]=runc [iptables]=iptables [busybox]=busybox-static [curl]=curl
  [/usr/libexec/podman/catatonit]=catatonit [/usr/lib/podman/netavark]=netavark
)
missing=()
for need in "${!PACKAGE_OF[@]}"; do
  if [[ $need == /* ]]; then [[ -e $need ]] || missing+=("${PACKAGE_OF[$need]}"); continue; fi
  # Debian's busybox package has a dynamic busybox too; the images need the static one.
  if [[ $need == busybox ]]; then dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static); continue; fi
  command -v "$need" >/dev/null 2>&1 || missing+=("${PACKAGE_OF[$need]}")
done
if ((${#missing[@]} > 0)); then
  echo "podman-setup: installing ${missing[*]}"
  # apt's chatter only matters when it fails.
  apt_log=$(mktemp)
  if ! { "${sudo_cmd[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    rm -f "$apt_log"
    exit 1
  fi
  rm -f "$apt_log"
fi

# Debian's conmon 2.1.6 writes the "oom" marker of a container killed for memory into its own
# working directory (that of whoever started Podman), where Podman 4.3 never looks: it looks in
# the container's bundle directory. Without this wrapper no container is ever reported OOMKilled.
conmon_wrapper=/usr/local/libexec/edgeplane/conmon
wanted_wrapper='#!/bin/sh
# Written by edgeplane scripts/podman-setup.sh: runs conmon in the bundle directory (its -b
# argument) so that the "oom" file it writes there is the one Podman reads.
bundle=
previous=
for arg in "$@"; do
  case $previous in -b | --bundle) bundle=$arg ;; esac
  previous=$arg
done
[ -n "$bundle" ] && cd "$bundle"
exec /usr/bin/conmon "$@"'
changed=false
if [[ ! -f $conmon_wrapper || $(cat "$conmon_wrapper") != "$wanted_wrapper" ]]; then
  echo "podman-setup: writing $conmon_wrapper"
  "${sudo_cmd[@]}" mkdir -p "$(dirname "$conmon_wrapper")"
  printf '%s\n' "$wanted_wrapper" | "${sudo_cmd[@]}" tee "$conmon_wrapper" >/dev/null
  "${sudo_cmd[@]}" chmod 755 "$conmon_wrapper"
  changed=true
fi

# crun starts a container for about half of runc's CPU (no Go runtime, no re-executed init), which
# is what limits how many pods a small machine starts per second. It refuses a "hybrid" cgroup
# layout (v1 hierarchies on a tmpfs /sys/fs/cgroup, v2 at /sys/fs/cgroup/unified) whose v2
# hierarchy holds any controller; these machines leave hugetlb there because no v1 hierarchy took
# it. Mounting such a controller as a v1 hierarchy moves it out of v2 (the kernel allows it while
# no v2 group uses it), after which crun works. Where that fails, runc it is.
oci_runtime=crun
unified=/sys/fs/cgroup/unified
if [[ $(stat -fc %T /sys/fs/cgroup) == tmpfs && -f $unified/cgroup.controllers ]]; then
  for controller in $(cat "$unified/cgroup.controllers"); do
    "${sudo_cmd[@]}" mkdir -p "/sys/fs/cgroup/$controller"
    "${sudo_cmd[@]}" mount -t cgroup -o "$controller" cgroup "/sys/fs/cgroup/$controller" 2>/dev/null || true
  done
  if [[ -n $(cat "$unified/cgroup.controllers") ]]; then
    echo "podman-setup: cgroup v2 still holds $(cat "$unified/cgroup.controllers") in a hybrid layout: crun cannot run, using runc" >&2
    oci_runtime=runc
  fi
fi

config=/etc/containers/containers.conf
wanted_config='# Written by edgeplane scripts/podman-setup.sh.
[containers]
# What a Kubernetes node gives its containers by default.
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

[engine]
runtime = "'$oci_runtime'"
cgroup_manager = "cgroupfs"
# No journald here.
events_logger = "file"
conmon_path = ["'$conmon_wrapper'"]'
if [[ ! -f $config || $(cat "$config") != "$wanted_config" ]]; then
  echo "podman-setup: writing $config"
  "${sudo_cmd[@]}" mkdir -p /etc/containers
  printf '%s\n' "$wanted_config" | "${sudo_cmd[@]}" tee "$config" >/dev/null
  changed=true
fi
# A running service read the old configuration: start it again below.
if $changed && pid=$(pgrep -xf "podman system service --time=0 unix://$socket"); then
  "${sudo_cmd[@]}" kill "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
fi

answers() { curl -sf --max-time 5 --unix-socket "$socket" http://podman/_ping >/dev/null 2>&1; }
if ! answers; then
  echo "podman-setup: starting podman system service on $socket"
  "${sudo_cmd[@]}" mkdir -p "$(dirname "$socket")"
  "${sudo_cmd[@]}" rm -f "$socket"
  log=/var/log/edgeplane-podman-service.log
  # From / so that nothing the service or its children write relative to it lands in this tree.
  (cd / && exec "${sudo_cmd[@]}" setsid nohup podman system service --time=0 "unix://$socket" </dev/null >>"$log" 2>&1) &
  for _ in $(seq 100); do
    answers && break
    sleep 0.1
  done
  if ! answers; then
    echo "podman-setup: the podman service did not answer on $socket; see $log" >&2
    exit 1
  fi
fi

"${sudo_cmd[@]}" bash test/fixtures/images/build.sh
